"""Test fixtures shared by the whole suite.

The test database is seeded once per session with the real data files (catalogue,
council register, survey, indicators), so tests run against the real catalogue.
Tests that need a transactional database (live-server browser tests) see the database
flushed after each test; they use ``seeded_live_server``, which reseeds when needed.
"""

import socket

import factory.random
import pytest
from django.db import connections
from django.db.utils import load_backend
from pytest_django.plugin import blocking_manager_key

from lga_portal.seeding import Seeder
from metrics.management.commands.seed import load_reference_data
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: pages and page state kept by another test, whose
    database rows are gone, must not be served in this one; and no cache outage left over from
    another test (its "served from the cache again" line would land in this one's log)."""
    from django.core.cache import cache

    from lga_portal import page_cache

    cache.clear()
    page_cache._failures.failing = False
    yield
    cache.clear()
    page_cache._failures.failing = False


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


def _flushes_database(item: pytest.Item) -> bool:
    """Whether the test ran outside a rolled-back transaction, so its end flushed every table."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that flushed the database, the reference data goes back in for the next one.

    pytest-django runs such tests last, but the suite runs in parallel a file at a time
    (pytest-xdist), and a file may mix them with ordinary tests: the ordinary tests that follow
    in the same worker must still find the real catalogue and councils.
    """
    yield
    # A next test that flushes as well needs nothing back (a live-server test reseeds itself);
    # after the last test the test database itself has gone.
    if nextitem is not None and _flushes_database(item) and not _flushes_database(nextitem):
        from offers.models import Offer

        with item.config.stash[blocking_manager_key].unblock():
            if not Offer.objects.exists():
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


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_down(django_db_blocker, tmp_path):
    """Until the test ends, the default database of this thread refuses every connection.

    The connection is replaced by one whose settings point at a closed port on 127.0.0.1
    (PostgreSQL) or at a file in a folder that does not exist (SQLite), so every query
    fails as in an outage. The test database itself is left as it was.
    """
    original = connections["default"]
    settings_dict = {**original.settings_dict}
    if original.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        settings_dict.update(NAME=str(tmp_path / "no-such-folder" / "db.sqlite3"))
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = unreachable
    try:
        with django_db_blocker.unblock():
            yield
    finally:
        unreachable.close()
        connections["default"] = original
