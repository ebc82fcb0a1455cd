"""The HSDS API's own OpenAPI document (/api/hsds/openapi.json) against the official HSDS 3.0 file:
the same endpoints, every parameter the official file lists for them, the same answer schemas;
and the portal's /api/schema/ leaves the HSDS endpoints out, since this document describes them.
(tests/api/test_schemathesis.py fuzzes the document's operations.)
"""

import pytest

from offers.hsds.mapping import TAXONOMIES
from offers.hsds.openapi import hsds_openapi
from offers.models import Offer, Theme
from tests.api.hsds_schemas import OPENAPI

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
