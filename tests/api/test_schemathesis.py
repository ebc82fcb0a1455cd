"""Property-based testing of every operation in /api/schema/ with schemathesis, anonymously and with a token,
and of every operation of the open data's own document, /api/hsds/openapi.json.

Expected: zero server errors and zero answers that break the schema (status codes, content types,
headers, bodies), and invalid input (negative cases) rejected with 4xx. It takes a few minutes,
so it runs only when RUN_SCHEMATHESIS=1 — as `.ci/run` does — not in every `make test`:

    RUN_SCHEMATHESIS=1 .venv/bin/python -m pytest tests/api/test_schemathesis.py

Cases are generated from the schema by Hypothesis, in-process through Django's WSGI application
against the seeded test database; SCHEMATHESIS_EXAMPLES sets how many per operation and mode.
``positive_data_acceptance`` is left out on purpose: an unknown filter value (a theme slug that
does not exist, say) is a 400 by design, and no schema can list the database's slugs; nor can the
HSDS document list the ids of services, or say that dates past 2100 are refused.
"""

import datetime
import os

import pytest

pytestmark = [
    pytest.mark.skipif(os.environ.get("RUN_SCHEMATHESIS") != "1", reason="set RUN_SCHEMATHESIS=1 (CI does)"),
    pytest.mark.django_db,
]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))


def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation, read from the schema generator (no database needed)."""
    if os.environ.get("RUN_SCHEMATHESIS") != "1":
        return []
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


@pytest.fixture
def api_schema(db, not_closing_connections):
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def hsds_operations() -> list[str]:
    if os.environ.get("RUN_SCHEMATHESIS") != "1":
        return []
    from offers.hsds.openapi import hsds_openapi

    return list(hsds_openapi(server_url="http://localhost/api/hsds")["paths"])


@pytest.fixture
def not_closing_connections():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As Django's test client does: the end of a request must not close the connection that
    # holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def hsds_schema(db, not_closing_connections):
    """The HSDS document (as /api/hsds/openapi.json serves it), with the official schemas it refers
    to read from tests/api/hsds-3.0/."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    from offers.hsds.openapi import hsds_openapi
    from tests.api.hsds_schemas import with_local_schemas

    # Built here rather than fetched: Django's test client would reconnect the signal that closes
    # the connection after each request.
    document = hsds_openapi(server_url="http://localhost/api/hsds")
    loaded = schemathesis.openapi.from_dict(with_local_schemas(document))
    loaded.app = get_wsgi_application()
    return loaded


@pytest.fixture
def manager_key(make_user):
    """A manager's token (reads everything, writes engagements), with an engagement to read and change."""
    from lga_portal.api.tokens import api_token_create
    from tests.factories import AdviserFactory, EngagementFactory

    manager = make_user("manager")
    adviser = AdviserFactory(user=manager)
    EngagementFactory(adviser=adviser, date=datetime.date(2020, 6, 1), private_notes="Private")
    return api_token_create(user=manager, name="schemathesis", days=1)[1]


@pytest.mark.parametrize("who", ["anonymous", "token"])
@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("method, path", operations())
def test_operation(api_schema, manager_key, method, path, mode, who):
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {manager_key}"} if who == "token" else {}
    strategy = operation.as_strategy(GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    try:
        check()
    except Unsatisfiable:
        # Nothing in this operation can be made invalid (e.g. a detail address with only a path slug).
        assert mode == "negative"


@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("path", hsds_operations())
def test_hsds_operation(hsds_schema, path, mode):
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    operation = hsds_schema[path]["GET"]
    strategy = operation.as_strategy(GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def check(case):
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    try:
        check()
    except Unsatisfiable:
        assert mode == "negative"  # the root has no parameter to make invalid
