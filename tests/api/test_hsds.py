"""Open Referral HSDS 3.0 output, validated against the official schemas (tests/api/hsds-3.0/)."""

import json
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from offers.hsds import HSDS_NAMESPACE, LGA_ORGANIZATION_ID, TAXONOMIES
from offers.models import Audience, Format, Offer, Theme

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parent / "hsds-3.0"


def load(name):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


SERVICE = load("service.json")
SERVICE_LIST_ITEM = load("service_list.json")
PAGE = load("openapi.json")["components"]["schemas"]["Page"]
# The compiled service schema embeds the taxonomy term schema, which embeds the taxonomy schema.
TAXONOMY_TERM = SERVICE["properties"]["attributes"]["items"]["properties"]["taxonomy_term"]
TAXONOMY = TAXONOMY_TERM["properties"]["taxonomy_detail"]


def validate(instance, schema):
    errors = sorted(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(instance), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def validate_page(body, item_schema):
    validate(body, {**PAGE, "required": list(PAGE["properties"]) + ["contents"]})
    for item in body["contents"]:
        validate(item, item_schema)


def test_the_root_names_the_version_and_the_openapi_document(api):
    response = api.get("/api/hsds/")
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["version"] == "3.0" and body["openapi_url"].startswith("https://")


def test_every_published_offer_is_a_valid_service(api):
    response = api.get("/api/hsds/services", {"per_page": 1000})
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    validate_page(body, SERVICE_LIST_ITEM)
    assert body["total_items"] == body["size"] == Offer.objects.published().count()
    assert (body["page_number"], body["total_pages"], body["first_page"], body["last_page"], body["empty"]) == (
        1,
        1,
        True,
        True,
        False,
    )
    assert {s["id"] for s in body["contents"]} == {
        str(u) for u in Offer.objects.published().values_list("uuid", flat=True)
    }
    assert {s["organization_id"] for s in body["contents"]} == {str(LGA_ORGANIZATION_ID)}


def test_the_paging_envelope(api):
    body = api.get("/api/hsds/services", {"per_page": 50, "page": 3}).json()
    total = Offer.objects.published().count()
    assert (body["page_number"], body["size"], body["total_pages"], body["first_page"], body["last_page"]) == (
        3,
        total - 100,
        3,
        False,
        True,
    )


def test_a_fully_nested_service_validates_and_carries_its_taxonomy_terms(api):
    offer = Offer.objects.published().filter(audiences__isnull=False, formats__isnull=False).first()
    response = api.get(f"/api/hsds/services/{offer.uuid}")
    assert response.status_code == 200
    body = response.json()
    validate(body, SERVICE)
    assert body["name"] == offer.title and body["organization"]["name"] == "Local Government Association"
    terms = {a["taxonomy_term"]["id"] for a in body["attributes"]}
    assert str(offer.theme.uuid) in terms
    assert {str(a.uuid) for a in offer.audiences.all()} | {str(f.uuid) for f in offer.formats.all()} <= terms
    assert body["url"].endswith(f"/offers/{offer.slug}/")


def test_every_service_validates_in_full(api):
    for offer in Offer.objects.published():
        validate(api.get(f"/api/hsds/services/{offer.uuid}").json(), SERVICE)


def test_identifiers_are_stable(api):
    first = api.get("/api/hsds/services", {"per_page": 5}).json()
    again = api.get("/api/hsds/services", {"per_page": 5}).json()
    assert first == again
    assert str(LGA_ORGANIZATION_ID) == str(uuid.uuid5(HSDS_NAMESPACE, "organization:local-government-association"))


def test_taxonomies_are_themes_audiences_and_formats(api):
    body = api.get("/api/hsds/taxonomies").json()
    validate_page(body, TAXONOMY)
    assert [t["id"] for t in body["contents"]] == [t.id for t in TAXONOMIES]
    validate(api.get(f"/api/hsds/taxonomies/{TAXONOMIES[0].id}").json(), TAXONOMY)


def test_taxonomy_terms_validate_and_filter_by_taxonomy(api):
    body = api.get("/api/hsds/taxonomy_terms", {"per_page": 1000}).json()
    validate_page(body, TAXONOMY_TERM)
    assert body["total_items"] == Theme.objects.count() + Audience.objects.count() + Format.objects.count()
    themes = api.get("/api/hsds/taxonomy_terms", {"taxonomy_id": TAXONOMIES[0].id, "per_page": 1000}).json()
    assert {t["id"] for t in themes["contents"]} == {str(u) for u in Theme.objects.values_list("uuid", flat=True)}
    leadership = Theme.objects.get(slug="leadership")
    validate(api.get(f"/api/hsds/taxonomy_terms/{leadership.uuid}").json(), TAXONOMY_TERM)


def test_services_filter_by_taxonomy_term_search_and_modified_after(api):
    coaching = Format.objects.get(slug="coaching-and-mentoring")
    body = api.get("/api/hsds/services", {"taxonomy_term_id": str(coaching.uuid), "per_page": 1000}).json()
    assert {s["id"] for s in body["contents"]} == {
        str(o.uuid) for o in Offer.objects.published().filter(formats=coaching)
    }
    leadership = Theme.objects.get(slug="leadership")
    body = api.get("/api/hsds/services", {"taxonomy_term_id": str(leadership.uuid), "per_page": 1000}).json()
    assert body["total_items"] == Offer.objects.published().filter(theme=leadership).count()
    body = api.get("/api/hsds/services", {"search": "coaching", "per_page": 1000}).json()
    assert body["total_items"] == Offer.objects.published().search("coaching").count() > 0
    body = api.get("/api/hsds/services", {"modified_after": "2099-01-01T00:00:00Z"}).json()
    assert body["empty"] is True and body["contents"] == []
    validate_page(body, SERVICE_LIST_ITEM)


def test_query_count_does_not_grow_with_the_page(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        api.get("/api/hsds/services", {"per_page": 1000})
    with django_assert_max_num_queries(6):
        api.get("/api/hsds/services", {"per_page": 2})
