"""Fixtures for the workspace tests: two principal advisers with councils of their own, and a manager."""

import pytest

from engagements.models import Council
from tests.factories import AdviserFactory, UserFactory

# Hartlepool, Middlesbrough, Redcar and Cleveland; Stockton-on-Tees, Darlington.
ALICE_COUNCILS = ["E06000001", "E06000002", "E06000003"]
BOB_COUNCILS = ["E06000004", "E06000005"]


@pytest.fixture
def alice(db):
    """A principal adviser (user) with three councils."""
    return AdviserFactory(
        user__username="alice", user__first_name="Alice", user__last_name="Adviser", councils=ALICE_COUNCILS
    ).user


@pytest.fixture
def bob(db):
    """Another principal adviser with two councils."""
    return AdviserFactory(
        user__username="bob", user__first_name="Bob", user__last_name="Adviser", councils=BOB_COUNCILS
    ).user


@pytest.fixture
def manager(db):
    return UserFactory(role="manager", username="meg", first_name="Meg", last_name="Manager")


@pytest.fixture
def hartlepool():
    return Council.objects.get(gss_code="E06000001")


@pytest.fixture
def stockton():
    return Council.objects.get(gss_code="E06000004")


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client, signed in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
