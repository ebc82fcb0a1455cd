"""Test fixtures shared by the whole suite.

The test database is seeded once per session with the real data files (catalogue,
council register, survey, indicators), so tests run against the real catalogue.
Tests that need a transactional database (live-server browser tests) see the database
flushed after each test; they use ``seeded_live_server``, which reseeds when needed.
"""

import factory.random
import pytest

from lga_portal.management.commands.seed import load_reference_data
from lga_portal.seeding import Seeder
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def same_fake_data():
    """The same fake names and addresses in a test however it is run, so a failure can be repeated."""
    factory.random.reseed_random("lga-portal")


def seed_reference_data() -> None:
    load_reference_data(Seeder())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_reference_data()


@pytest.fixture
def seeded_live_server(live_server, transactional_db):
    from offers.models import Offer

    if not Offer.objects.exists():
        seed_reference_data()
    return live_server


@pytest.fixture
def make_user(db):
    """A user in one of the portal's roles, from ``UserFactory``: make_user("manager")."""

    def make(role: str | None = None, **values):
        return UserFactory(role=role, **values)

    return make
