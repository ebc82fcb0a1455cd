"""Fixtures for the workspace tests: two principal advisers with councils of their own, and a manager."""

import pytest

from engagements.models import Council
from tests.engagements.factories import make_adviser

# Hartlepool, Middlesbrough, Redcar and Cleveland; Stockton-on-Tees, Darlington.
ALICE_COUNCILS = ["E06000001", "E06000002", "E06000003"]
BOB_COUNCILS = ["E06000004", "E06000005"]


@pytest.fixture
def alice(make_user):
    """A principal adviser (user) with three councils."""
    user = make_user("adviser", username="alice", first_name="Alice", last_name="Adviser")
    make_adviser(user, ALICE_COUNCILS, name="Alice Adviser")
    return user


@pytest.fixture
def bob(make_user):
    """Another principal adviser with two councils."""
    user = make_user("adviser", username="bob", first_name="Bob", last_name="Adviser")
    make_adviser(user, BOB_COUNCILS, name="Bob Adviser")
    return user


@pytest.fixture
def manager(make_user):
    return make_user("manager", username="meg", first_name="Meg", last_name="Manager")


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
