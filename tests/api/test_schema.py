"""The OpenAPI document: generated without warnings, valid, and describing every filter, field and error."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    with django_db_blocker.unblock():
        document = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(document)
    return document


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_generation_gives_no_warnings_or_errors(tmp_path):
    # --fail-on-warn turns any warning (an undocumented filter, an unresolved field) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_parameter_and_operation_is_described(schema):
    for path, method, operation in operations(schema):
        assert operation.get("summary"), f"{method} {path} has no summary"
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), f"{method} {path}: {parameter['name']} has no description"


def test_every_response_field_is_described(schema):
    for name, component in schema["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            assert prop.get("description") or "$ref" in prop or "allOf" in prop, f"{name}.{field} has no description"


def test_every_operation_documents_its_errors_in_the_error_shape(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        for code in ("400", "401", "404", "406", "429"):
            assert code in responses, f"{method} {path} does not document {code}"
            assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith(("/Error", "/Conflict"))
        assert "Retry-After" in responses["429"]["headers"]
        if method in ("post", "put", "patch"):
            assert {"403", "413", "415"} <= set(responses)
    patch = schema["paths"]["/api/v1/engagements/{id}/"]["patch"]["responses"]["409"]
    assert patch["content"]["application/json"]["schema"]["$ref"].endswith("/Conflict")


def test_auth_schemes_and_csv_answers(schema):
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["tokenAuth"]["description"],
    }
    offers = schema["paths"]["/api/v1/offers/"]["get"]
    assert offers["responses"]["200"]["content"]["text/csv"]["schema"]["type"] == "string"
    assert {p["name"] for p in offers["parameters"]} >= {
        "theme",
        "audience",
        "offer_format",
        "status",
        "delivery",
        "updated_since",
        "search",
        "ordering",
        "page",
        "page_size",
        "format",
    }
    engagements = schema["paths"]["/api/v1/engagements/"]["get"]
    assert {p["name"] for p in engagements["parameters"]} >= {
        "council",
        "region",
        "adviser",
        "kind",
        "channel",
        "offer",
        "theme",
        "status",
        "date_from",
        "date_to",
    }
    assert {"tokenAuth": []} in engagements["security"] and {} not in engagements["security"]


def test_the_schema_and_docs_are_served(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200 and response.json()["info"]["title"] == "LGA support-offer portal API"
    docs = api.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower() and b"/static/drf_spectacular_sidecar/" in docs.content
    script = api.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
