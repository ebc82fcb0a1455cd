"""The HSDS API's own OpenAPI document (/api/hsds/openapi.json) against the official HSDS 3.0 file:
the same endpoints, every parameter the official file lists for them, the same answer schemas;
and the portal's /api/schema/ leaves the HSDS endpoints out, since this document describes them.

With RUN_SCHEMATHESIS=1 (as `.ci/run` sets), schemathesis also fuzzes every operation of the
document, as it does /api/schema/: no server error, no answer the document does not describe,
and invalid parameters refused with 4xx.
"""

import copy
import os

import pytest

from offers.hsds.mapping import TAXONOMIES
from offers.hsds.openapi import SCHEMAS, hsds_openapi
from offers.models import Offer, Theme
from tests.api.hsds_schemas import BY_NAME, OPENAPI

pytestmark = pytest.mark.django_db
DOCUMENT = hsds_openapi(server_url="http://testserver/api/hsds/")


def official_parameters(path: str, method: str = "get") -> dict[str, dict]:
    item = OPENAPI["paths"][path]
    found = {}
    for parameter in item.get("parameters", []) + item[method].get("parameters", []):
        if "$ref" in parameter:
            parameter = {**OPENAPI["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]], **parameter}
        found[parameter["name"]] = parameter
    return found


def ours(path: str, method: str = "get") -> dict[str, dict]:
    item = DOCUMENT["paths"][path]
    return {p["name"]: p for p in item.get("parameters", []) + item[method].get("parameters", [])}


def answer_schema(document: dict, path: str) -> dict:
    return document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def test_the_endpoints_are_official_ones():
    assert set(DOCUMENT["paths"]) <= set(OPENAPI["paths"])
    # The ones the HSDS API reference requires, and the taxonomies the UK profile asks for.
    assert {"/", "/services", "/services/{id}", "/taxonomies", "/taxonomies/{id}"} <= set(DOCUMENT["paths"])


@pytest.mark.parametrize("path", sorted(DOCUMENT["paths"]))
def test_every_official_parameter_is_served_as_the_official_file_describes_it(path):
    official, served = official_parameters(path), ours(path)
    assert set(served) == set(official)
    for name, parameter in served.items():
        assert parameter["in"] == official[name]["in"] and parameter["required"] == official[name]["required"]
        assert parameter["schema"]["type"] == official[name]["schema"]["type"], name
        assert parameter["description"], name


@pytest.mark.parametrize("path", sorted(DOCUMENT["paths"]))
def test_every_answer_has_the_official_schema(path):
    official, served = answer_schema(OPENAPI, path), answer_schema(DOCUMENT, path)
    if path == "/":
        assert served["properties"].keys() == official["properties"].keys()
    elif "contents" in official.get("properties", {}):
        assert served["properties"]["contents"]["items"] == official["properties"]["contents"]["items"]
        assert served["allOf"] == official["allOf"] == [{"$ref": "#/components/schemas/Page"}]
        page = DOCUMENT["components"]["schemas"]["Page"]
        assert page["properties"].keys() - {"contents"} == OPENAPI["components"]["schemas"]["Page"]["properties"].keys()
        assert set(page["required"]) == set(page["properties"])
    else:
        assert served == official


def test_every_endpoint_of_the_document_answers(api):
    offer = Offer.objects.published().first()
    theme = Theme.objects.first()
    ids = {"services": offer.uuid, "taxonomies": TAXONOMIES[0].id, "taxonomy_terms": theme.uuid}
    served = api.get("/api/hsds/openapi.json").json()
    assert served["servers"] == [{"url": "http://testserver/api/hsds"}]
    for path in served["paths"]:
        address = "/api/hsds" + path.replace("{id}", str(ids.get(path.split("/")[1], "")))
        response = api.get(address)
        assert response.status_code == 200, (address, response.status_code)


def test_the_portals_own_schema_leaves_the_hsds_endpoints_out(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert not [path for path in schema["paths"] if path.startswith("/api/hsds")]


# --- schemathesis over the document -----------------------------------------------------

RUN = os.environ.get("RUN_SCHEMATHESIS") == "1"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))


def with_local_schemas(document: dict) -> dict:
    """The document with each official schema address replaced by the local copy, so the fuzzer
    validates answers without fetching anything."""
    by_address = {SCHEMAS[name]: schema for name, schema in BY_NAME.items()}

    def inline(node):
        if isinstance(node, dict):
            if set(node) == {"$ref"} and node["$ref"] in by_address:
                return copy.deepcopy(by_address[node["$ref"]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return inline(document)


@pytest.fixture
def hsds_schema(db):
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: the end of a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_dict(with_local_schemas(DOCUMENT))
        loaded.app = get_wsgi_application()
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.skipif(not RUN, reason="set RUN_SCHEMATHESIS=1 (CI does)")
@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("path", sorted(DOCUMENT["paths"]) if RUN else [])
def test_schemathesis_finds_no_fault(hsds_schema, path, mode):
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
        # Valid but unknown ids and dates past 2100 are refused (404, 400) by design.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    try:
        check()
    except Unsatisfiable:
        assert mode == "negative"  # nothing to make invalid (the root has no parameters)
