"""Open Referral HSDS 3.0 open data at /api/hsds/, checked the way the Open Referral UK validator
checks a feed: the root, the first, a middle and the last page of each list, every listed id
fetched by id, each answer validated against the official schemas (tests/api/hsds-3.0/)."""

import json
import math

import pytest
from django.core.cache import cache

from offers.hsds.mapping import LGA_ORGANIZATION_ID, TAXONOMIES
from offers.hsds.pagination import PAGE_NOT_FOUND
from offers.hsds.params import (
    DATETIME_INVALID,
    FORMAT_INVALID,
    MAX_PER_PAGE,
    MINIMAL_AND_FULL,
    PAGE_INVALID,
    PER_PAGE_INVALID,
    SEARCH_TOO_LONG,
    UUID_INVALID,
)
from offers.hsds.views import NO_SUCH_ENDPOINT, SERVICE_NOT_FOUND, TAXONOMY_NOT_FOUND, TAXONOMY_TERM_NOT_FOUND
from offers.models import Audience, Format, Offer, OfferStatus, Theme
from tests.api.hsds_schemas import (
    SERVICE,
    SERVICE_LIST,
    TAXONOMY,
    TAXONOMY_TERM,
    assert_valid,
    empty_values,
    fields_outside,
    official_answer,
)

pytestmark = pytest.mark.django_db
CORS = "Access-Control-Allow-Origin"


def get(api, path, **params):
    response = api.get(path, params)
    assert response.status_code == 200, (path, params, response.status_code, response.content[:300])
    assert response[CORS] == "*"
    return response.json()


def published_ids():
    return {str(u) for u in Offer.objects.published().values_list("uuid", flat=True)}


def walk(api, path, schema_path, per_page, **params):
    """Every page of a list, in order, each validated; the Page fields checked against each other."""
    first = get(api, path, per_page=per_page, **params)
    total, pages = first["total_items"], first["total_pages"]
    assert pages == max(1, math.ceil(total / per_page))
    bodies = [first] + [get(api, path, per_page=per_page, page=n, **params) for n in range(2, pages + 1)]
    for number, body in enumerate(bodies, start=1):
        assert_valid(body, official_answer(schema_path))
        assert set(body) == {
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        }
        assert (body["total_items"], body["total_pages"], body["page_number"]) == (total, pages, number)
        assert body["size"] == len(body["contents"]) == (per_page if number < pages else total - per_page * (pages - 1))
        assert (body["first_page"], body["last_page"], body["empty"]) == (number == 1, number == pages, total == 0)
    contents = [item for body in bodies for item in body["contents"]]
    assert sum(body["size"] for body in bodies) == len(contents) == total
    assert len({item["id"] for item in contents}) == total, "an id appears on two pages"
    return bodies, contents


# --- the root --------------------------------------------------------------------------


def test_the_root_names_the_version_the_profile_and_this_apis_openapi_document(api):
    body = get(api, "/api/hsds/")
    assert_valid(body, official_answer("/"))
    assert set(body) == {"version", "profile", "openapi_url"}
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://docs.openreferral.org/")
    assert body["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    document = get(api, "/api/hsds/openapi.json")
    assert document["openapi"].startswith("3.1") and "/services/{id}" in document["paths"]


# --- services, as the validator walks them ----------------------------------------------


def test_first_middle_and_last_pages_of_services_validate_and_agree(api):
    per_page = 7
    total = Offer.objects.published().count()
    pages = math.ceil(total / per_page)
    assert pages > 2, "the catalogue should span several pages at this page size"
    for number in (1, pages // 2, pages):
        body = get(api, "/api/hsds/services", page=number, per_page=per_page)
        assert_valid(body, official_answer("/services"))
        assert (body["page_number"], body["total_items"], body["total_pages"]) == (number, total, pages)
        assert body["first_page"] is (number == 1) and body["last_page"] is (number == pages)
        assert body["size"] == len(body["contents"]) == (per_page if number < pages else total - per_page * (pages - 1))


def test_every_service_listed_is_fetched_by_id_and_validates_in_full(api):
    _, listed = walk(api, "/api/hsds/services", "/services", per_page=9)
    assert {service["id"] for service in listed} == published_ids()
    for item in listed:
        assert not fields_outside(item, SERVICE_LIST), fields_outside(item, SERVICE_LIST)
        assert not empty_values(item), empty_values(item)
        service = get(api, f"/api/hsds/services/{item['id']}")
        assert_valid(service, official_answer("/services/{id}"))
        assert not fields_outside(service, SERVICE), fields_outside(service, SERVICE)
        assert not empty_values(service), empty_values(service)
        # The list gives the one-to-one fields of the same service.
        assert {name: service[name] for name in item} == item
        assert service["organization_id"] == LGA_ORGANIZATION_ID


def test_a_fully_nested_service_carries_its_theme_audiences_and_formats(api):
    offer = Offer.objects.published().filter(audiences__isnull=False, formats__isnull=False).first()
    body = get(api, f"/api/hsds/services/{offer.uuid}")
    assert body["name"] == offer.title and body["organization"]["name"] == "Local Government Association"
    assert body["url"] == f"http://testserver/offers/{offer.slug}/"
    terms = {attribute["taxonomy_term"]["id"]: attribute["taxonomy_term"] for attribute in body["attributes"]}
    expected = {offer.theme, *offer.audiences.all(), *offer.formats.all()}
    assert set(terms) == {str(record.uuid) for record in expected}
    assert terms[str(offer.theme.uuid)]["taxonomy_id"] == TAXONOMIES[0].id
    assert {a["link_id"] for a in body["attributes"]} == {body["id"]}


def test_optional_fields_without_a_value_are_left_out(api):
    theme = Theme.objects.create(name="Test theme", slug="test-theme", contact_email="")
    offer = Offer.objects.create(title="Plain offer", slug="plain-offer", theme=theme, summary="Plain.")
    listed = get(api, "/api/hsds/services", search="Plain offer")["contents"]
    item = next(item for item in listed if item["id"] == str(offer.uuid))
    service = get(api, f"/api/hsds/services/{offer.uuid}")
    for body in (item, service):
        assert not {"email", "alert"} & set(body) and not empty_values(body)
        assert {"id", "name", "status"} <= set(body)
    assert "contacts" not in service and service["description"] == "Plain."
    assert service["eligibility_description"] == "For English councils."


def test_statuses_map_onto_hsds_statuses(api):
    offer = Offer.objects.published().order_by("id").first()
    for status, expected in [
        (OfferStatus.AVAILABLE, "active"),
        (OfferStatus.COMING_SOON, "inactive"),
        (OfferStatus.SUSPENDED, "temporarily closed"),
        (OfferStatus.CLOSED, "defunct"),
    ]:
        Offer.objects.filter(pk=offer.pk).update(status=status)
        assert get(api, f"/api/hsds/services/{offer.uuid}")["status"] == expected


def test_unpublished_offers_are_not_services(api):
    offer = Offer.objects.published().order_by("id").first()
    Offer.objects.filter(pk=offer.pk).update(is_published=False)
    assert str(offer.uuid) not in {s["id"] for s in get(api, "/api/hsds/services", minimal="true")["contents"]}
    missing = api.get(f"/api/hsds/services/{offer.uuid}")
    assert missing.status_code == 404 and missing.json()["detail"] == SERVICE_NOT_FOUND


def test_identifiers_are_the_stable_ones_already_published(api):
    # These were published before; directory systems store them.
    assert LGA_ORGANIZATION_ID == "7e7d36e5-242f-53dd-ae8e-9976a9b40cdd"
    assert [t.id for t in TAXONOMIES] == [
        "f4c13a5f-5aee-5ea6-9586-726839f32a0f",
        "bcd31628-5ef7-5bc2-ab89-7e7a9235e523",
        "c07ef063-aa95-513d-8a2b-0ff43598d9f4",
    ]
    offer = Offer.objects.published().order_by("id").first()
    first = get(api, f"/api/hsds/services/{offer.uuid}")
    assert first["id"] == str(offer.uuid)
    assert first == get(api, f"/api/hsds/services/{str(offer.uuid).upper()}")
    assert {a["taxonomy_term_id"] for a in first["attributes"]} >= {str(offer.theme.uuid)}


# --- the services' parameters -----------------------------------------------------------


def ids(api, **params):
    return {s["id"] for s in get(api, "/api/hsds/services", per_page=MAX_PER_PAGE, **params)["contents"]}


def test_each_filter_selects_what_it_says(api):
    coaching = Format.objects.get(slug="coaching-and-mentoring")
    leadership = Theme.objects.get(slug="leadership")
    published = Offer.objects.published()
    assert ids(api, taxonomy_term_id=str(coaching.uuid)) == {str(o.uuid) for o in published.filter(formats=coaching)}
    assert ids(api, taxonomy_term_id=str(leadership.uuid)) == {str(o.uuid) for o in published.filter(theme=leadership)}
    assert ids(api, search="coaching") == {str(o.uuid) for o in Offer.objects.search("coaching").published()}
    assert ids(api, organization_id=LGA_ORGANIZATION_ID) == published_ids()
    assert ids(api, organization_id="00000000-0000-0000-0000-000000000000") == set()
    assert ids(api, taxonomy_id="00000000-0000-0000-0000-000000000000") == set()
    # Every offer has a theme; an offer may have no audience or format.
    bare = Offer.objects.create(title="Bare offer", slug="bare-offer", theme=leadership, summary="Bare.")
    themes, audiences, formats = (t.id for t in TAXONOMIES)
    assert ids(api, taxonomy_id=themes) == published_ids()
    assert ids(api, taxonomy_id=audiences) == published_ids() - {str(bare.uuid)}
    assert ids(api, taxonomy_id=formats) == {str(o.uuid) for o in published.filter(formats__isnull=False)}
    assert str(bare.uuid) not in ids(api, taxonomy_id=formats)


def test_filters_are_cumulative(api):
    coaching = Format.objects.get(slug="coaching-and-mentoring")
    leadership = Theme.objects.get(slug="leadership")
    changed = Offer.objects.published().filter(theme=leadership).order_by("id")[:3]
    for offer in changed:
        offer.save()  # modified now
    since = changed[0].modified_at.isoformat()
    filters = {
        "taxonomy_term_id": str(coaching.uuid),
        "search": "leaders",
        "modified_after": since,
        "taxonomy_id": TAXONOMIES[1].id,
        "organization_id": LGA_ORGANIZATION_ID,
    }
    alone = {name: ids(api, **{name: value}) for name, value in filters.items()}
    assert all(alone.values()), "each filter alone should match something"
    together = ids(api, **filters)
    assert together == set.intersection(*alone.values())
    for name in filters:
        others = {k: v for k, v in filters.items() if k != name}
        assert ids(api, **others) & alone[name] == together


def test_search_puts_the_best_matches_first(api):
    body = get(api, "/api/hsds/services", search="coaching", per_page=3)
    expected = list(Offer.objects.search("coaching").published().order_by("-rank", "title", "id")[:3])
    assert [s["id"] for s in body["contents"]] == [str(o.uuid) for o in expected]


def test_minimal_gives_every_service_with_its_id_and_last_modified_in_one_call(api):
    body = get(api, "/api/hsds/services", minimal="true")
    assert body["total_pages"] == 1 and {s["id"] for s in body["contents"]} == published_ids()
    properties = SERVICE_LIST["properties"]
    for item in body["contents"]:
        assert set(item) == {"id", "last_modified"}
        assert_valid(item, {"type": "object", "properties": {k: properties[k] for k in item}})


def test_full_lists_fully_nested_services(api):
    body = get(api, "/api/hsds/services", full="true", per_page=20)
    assert body["size"] == 20
    for item in body["contents"]:
        assert_valid(item, SERVICE)
        assert item["attributes"] and item["languages"] == [
            {"id": item["languages"][0]["id"], "service_id": item["id"], "name": "English", "code": "en"}
        ]


def test_ndjson_streams_every_result_without_paging(api):
    response = api.get("/api/hsds/services", {"format": "ndjson", "per_page": 2})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    assert response[CORS] == "*" and response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    services = [json.loads(line) for line in lines]
    assert {s["id"] for s in services} == published_ids()
    for service in services:
        assert_valid(service, SERVICE_LIST)
    terms = api.get("/api/hsds/taxonomy_terms", HTTP_ACCEPT="application/x-ndjson")
    count = Theme.objects.count() + Audience.objects.count() + Format.objects.count()
    assert len(b"".join(terms.streaming_content).splitlines()) == count


def test_an_empty_result_is_one_empty_page(api):
    body = get(api, "/api/hsds/services", modified_after="2099-01-01T00:00:00Z")
    assert_valid(body, official_answer("/services"))
    assert body == {
        "total_items": 0,
        "total_pages": 1,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


# --- taxonomies and taxonomy terms ------------------------------------------------------


def test_taxonomies_are_themes_audiences_and_formats_each_fetched_by_id(api):
    bodies, listed = walk(api, "/api/hsds/taxonomies", "/taxonomies", per_page=2)
    assert len(bodies) == 2 and [t["id"] for t in listed] == [t.id for t in TAXONOMIES]
    for item in listed:
        taxonomy = get(api, f"/api/hsds/taxonomies/{item['id']}")
        assert taxonomy == item
        assert_valid(taxonomy, official_answer("/taxonomies/{id}"))
        assert not fields_outside(taxonomy, TAXONOMY) and not empty_values(taxonomy)
    assert [t["name"] for t in get(api, "/api/hsds/taxonomies", search="AUDIENCE")["contents"]] == [
        "LGA support audiences"
    ]


def test_every_taxonomy_term_listed_is_fetched_by_id(api):
    _, listed = walk(api, "/api/hsds/taxonomy_terms", "/taxonomy_terms", per_page=10)
    records = [*Theme.objects.all(), *Audience.objects.all(), *Format.objects.all()]
    assert {t["id"] for t in listed} == {str(r.uuid) for r in records}
    for item in listed:
        term = get(api, f"/api/hsds/taxonomy_terms/{item['id']}")
        assert term == item
        assert_valid(term, official_answer("/taxonomy_terms/{id}"))
        assert not fields_outside(term, TAXONOMY_TERM) and not empty_values(term)


def test_taxonomy_terms_filter_by_taxonomy_name_and_hierarchy(api):
    themes = get(api, "/api/hsds/taxonomy_terms", taxonomy_id=TAXONOMIES[0].id, per_page=MAX_PER_PAGE)
    assert {t["id"] for t in themes["contents"]} == {str(u) for u in Theme.objects.values_list("uuid", flat=True)}
    found = get(api, "/api/hsds/taxonomy_terms", search="coaching", taxonomy_id=TAXONOMIES[2].id)["contents"]
    assert [t["code"] for t in found] == ["coaching-and-mentoring"]
    everything = get(api, "/api/hsds/taxonomy_terms", per_page=MAX_PER_PAGE)["total_items"]
    assert get(api, "/api/hsds/taxonomy_terms", top_only="true", per_page=MAX_PER_PAGE)["total_items"] == everything
    no_children = get(api, "/api/hsds/taxonomy_terms", parent_id=themes["contents"][0]["id"])
    assert no_children["empty"] is True


# --- CORS, rate limits and errors -------------------------------------------------------


def error(response, status, code):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response[CORS] == "*" and response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["code"]) == (status, code) and set(body) == {"status", "code", "detail", "errors"}
    return body


@pytest.mark.parametrize(
    "path, parameter, value, message",
    [
        ("/api/hsds/services", "per_page", "0", PER_PAGE_INVALID),
        ("/api/hsds/services", "per_page", "1001", PER_PAGE_INVALID),
        ("/api/hsds/services", "per_page", "ten", PER_PAGE_INVALID),
        ("/api/hsds/services", "page", "0", PAGE_INVALID),
        ("/api/hsds/services", "page", "-3", PAGE_INVALID),
        ("/api/hsds/services", "page", "first", PAGE_INVALID),
        ("/api/hsds/services", "page", "9" * 2000, PAGE_INVALID),
        ("/api/hsds/services", "taxonomy_term_id", "42", UUID_INVALID),
        ("/api/hsds/services", "taxonomy_id", "themes", UUID_INVALID),
        ("/api/hsds/services", "organization_id", "LGA", UUID_INVALID),
        ("/api/hsds/services", "modified_after", "soon", DATETIME_INVALID),
        ("/api/hsds/services", "modified_after", "2020-13-01", DATETIME_INVALID),
        ("/api/hsds/services", "minimal", "maybe", "Enter true or false."),
        ("/api/hsds/services", "full", "perhaps", "Enter true or false."),
        ("/api/hsds/services", "format", "xml", FORMAT_INVALID.format(choices="json or ndjson")),
        ("/api/hsds/services", "search", "x" * 201, SEARCH_TOO_LONG),
        ("/api/hsds/services", "search", "lead\x00ers", "Null characters are not allowed."),
        ("/api/hsds/taxonomies", "per_page", "-1", PER_PAGE_INVALID),
        ("/api/hsds/taxonomy_terms", "taxonomy_id", "x", UUID_INVALID),
        ("/api/hsds/taxonomy_terms", "parent_id", "x", UUID_INVALID),
        ("/api/hsds/taxonomy_terms", "top_only", "sometimes", "Enter true or false."),
        (f"/api/hsds/taxonomies/{TAXONOMIES[0].id}", "format", "ndjson", FORMAT_INVALID.format(choices="json")),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api, path, parameter, value, message):
    body = error(api.get(path, {parameter: value}), 400, "invalid")
    assert body["errors"] == {parameter: [message]}


def test_every_bad_parameter_is_named_at_once(api):
    body = error(api.get("/api/hsds/services", {"page": "x", "per_page": "0", "format": "csv"}), 400, "invalid")
    assert set(body["errors"]) == {"page", "per_page", "format"}
    both = error(api.get("/api/hsds/services", {"minimal": "true", "full": "true"}), 400, "invalid")
    assert both["errors"] == {"full": [MINIMAL_AND_FULL]}


def test_errors_stay_json_when_ndjson_is_asked_for(api):
    body = error(api.get("/api/hsds/services", {"format": "ndjson", "per_page": "0"}), 400, "invalid")
    assert list(body["errors"]) == ["per_page"]


def test_empty_parameters_count_as_not_given(api):
    body = get(api, "/api/hsds/services", page="", per_page="", search="", taxonomy_term_id="", modified_after="")
    assert body["page_number"] == 1 and body["size"] == 50


def test_missing_records_pages_and_endpoints_are_json_404s(api):
    assert error(api.get("/api/hsds/services", {"page": 999}), 404, "not_found")["detail"] == PAGE_NOT_FOUND.format(
        page=999, last=math.ceil(Offer.objects.published().count() / 50)
    )
    for path, message in [
        ("/api/hsds/services/not-a-uuid", SERVICE_NOT_FOUND),
        ("/api/hsds/services/00000000-0000-0000-0000-000000000000", SERVICE_NOT_FOUND),
        ("/api/hsds/taxonomies/00000000-0000-0000-0000-000000000000", TAXONOMY_NOT_FOUND),
        ("/api/hsds/taxonomy_terms/nope", TAXONOMY_TERM_NOT_FOUND),
        ("/api/hsds/organizations", NO_SUCH_ENDPOINT),
        ("/api/hsds/services/a/b", NO_SUCH_ENDPOINT),
    ]:
        assert error(api.get(path), 404, "not_found")["detail"] == message, path


def test_the_api_is_read_only(api):
    error(api.post("/api/hsds/services", {"name": "x"}, format="json"), 405, "method_not_allowed")
    error(api.delete(f"/api/hsds/services/{Offer.objects.published().first().uuid}"), 405, "method_not_allowed")


def test_endpoints_answer_with_or_without_a_final_slash(api):
    assert get(api, "/api/hsds/services/", per_page=1)["size"] == 1
    assert get(api, "/api/hsds/taxonomy_terms/", per_page=1)["size"] == 1
    assert get(api, f"/api/hsds/taxonomies/{TAXONOMIES[0].id}/")["id"] == TAXONOMIES[0].id


@pytest.fixture
def low_rates(settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute", "stats": "2/minute"},
    }
    yield
    cache.clear()


def test_the_open_data_is_rate_limited_like_the_rest_of_the_api(api, low_rates, client_for, analyst):
    statuses = [api.get("/api/hsds/services", {"per_page": 1}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = api.get(f"/api/hsds/taxonomies/{TAXONOMIES[0].id}")
    assert error(refused, 429, "throttled")
    assert 0 < int(refused["Retry-After"]) <= 60
    # The same address's allowance is shared with the portal's own API…
    assert api.get("/api/v1/regions/").status_code == 429
    # …and a token has its own, higher one.
    client = client_for(analyst)
    assert [client.get("/api/hsds/").status_code for _ in range(6)] == [200] * 5 + [429]


# --- queries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, queries, again",
    [
        ({}, 4, 4),  # count, offers with their themes, items, audiences
        ({"full": "true"}, 5, 5),  # and formats
        ({"minimal": "true"}, 2, 2),  # count, ids
        # and synonyms, best bets, then kept while the catalogue is unchanged
        ({"search": "council", "taxonomy_id": TAXONOMIES[2].id}, 6, 4),
    ],
)
def test_a_page_of_services_takes_the_same_queries_whatever_its_size(
    api, django_assert_num_queries, params, queries, again
):
    for per_page, expected in ((2, queries), (MAX_PER_PAGE, again)):
        with django_assert_num_queries(expected):
            assert api.get("/api/hsds/services", {**params, "per_page": per_page}).status_code == 200


def test_one_service_and_the_taxonomy_terms_take_fixed_queries(api, django_assert_num_queries):
    offer = Offer.objects.published().order_by("id").first()
    with django_assert_num_queries(4):  # the offer with its theme, items, audiences, formats
        api.get(f"/api/hsds/services/{offer.uuid}")
    with django_assert_num_queries(3):  # one a taxonomy
        api.get("/api/hsds/taxonomy_terms", {"per_page": MAX_PER_PAGE})
    with django_assert_num_queries(0):
        api.get("/api/hsds/taxonomies")
