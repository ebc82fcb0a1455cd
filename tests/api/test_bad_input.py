"""Bad input is answered 4xx with a JSON error naming the parameter and why — never a 500."""

import json

import pytest

from engagements.api.engagements import TEXT_MAX_LENGTH
from engagements.models import Council
from lga_portal.api.filters import BOOLEAN_INVALID, DATE_OUT_OF_RANGE, NULL_CHARACTER
from lga_portal.api.pagination import PAGE_INVALID, PAGE_SIZE_INVALID
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


def error(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) >= {"status", "code", "detail", "errors"} and body["status"] == status
    return body


@pytest.mark.parametrize(
    "path, query, parameter",
    [
        ("/api/v1/offers/", {"theme": "no-such-theme"}, "theme"),
        ("/api/v1/offers/", {"audience": "martians"}, "audience"),
        ("/api/v1/offers/", {"status": "sold_out"}, "status"),
        ("/api/v1/offers/", {"updated_since": "last tuesday"}, "updated_since"),
        ("/api/v1/offers/", {"ordering": "price"}, "ordering"),
        ("/api/v1/offers/", {"search": "x" * 100_000}, "search"),
        ("/api/v1/offers/", {"theme": "leader\x00ship"}, "theme"),
        ("/api/v1/councils/", {"region": "atlantis"}, "region"),
        ("/api/v1/councils/", {"active": "maybe"}, "active"),
        ("/api/v1/councils/", {"existing_on": "2020-02-30"}, "existing_on"),
        ("/api/v1/councils/", {"existing_on": "3000-01-01"}, "existing_on"),
        ("/api/v1/councils/", {"code": "E99999999"}, "code"),
        ("/api/v1/councils/", {"adviser": "abc"}, "adviser"),
        ("/api/v1/councils/", {"adviser": "99999999999999999999999"}, "adviser"),
        ("/api/v1/councils/", {"page_size": "1000000"}, "page_size"),
        ("/api/v1/councils/", {"page_size": "0"}, "page_size"),
        ("/api/v1/councils/", {"page_size": "ten"}, "page_size"),
        ("/api/v1/councils/", {"page": "first"}, "page"),
        ("/api/v1/councils/", {"page": "-1"}, "page"),
        ("/api/v1/results/", {"round": "twenty"}, "round"),
        ("/api/v1/results/", {"round": "99999999999999999999"}, "round"),
        ("/api/v1/observations/", {"date_from": "2020/01/01"}, "date_from"),
        ("/api/v1/stats/take-up/", {"by": "council"}, "by"),
    ],
)
def test_bad_query_parameters_are_400_naming_them(api, path, query, parameter):
    body = error(api.get(path, query), 400)
    assert list(body["errors"]) == [parameter]
    assert parameter in body["detail"]


def test_messages_say_why(api):
    assert error(api.get("/api/v1/councils/", {"page_size": "1000000"}), 400)["errors"]["page_size"] == [
        PAGE_SIZE_INVALID
    ]
    assert error(api.get("/api/v1/councils/", {"page": "x"}), 400)["errors"]["page"] == [PAGE_INVALID]
    assert error(api.get("/api/v1/councils/", {"active": "maybe"}), 400)["errors"]["active"] == [BOOLEAN_INVALID]
    assert error(api.get("/api/v1/councils/", {"existing_on": "1066-10-14"}), 400)["errors"]["existing_on"] == [
        DATE_OUT_OF_RANGE
    ]
    assert error(api.get("/api/v1/offers/", {"theme": "a\x00"}), 400)["errors"]["theme"] == [NULL_CHARACTER]


def test_a_page_past_the_last_is_404(api):
    body = error(api.get("/api/v1/regions/", {"page": 2}), 404)
    assert "last page is 1" in body["detail"]


def test_unknown_addresses_formats_and_methods(api):
    error(api.get("/api/v1/no-such-thing/"), 404)
    error(api.get("/api/v1/offers/no-such-offer/"), 404)
    error(api.get("/api/v1/councils/E06000001%00/"), 404)
    error(api.get("/api/v1/engagements/99999999999999999999/"), 401)
    error(api.get("/api/v1/offers/", {"format": "xml"}), 404)
    error(api.get("/api/v1/offers/", HTTP_ACCEPT="application/xml"), 406)
    error(api.delete("/api/v1/offers/"), 405)


@pytest.fixture
def adviser_client(client_for, advisers):
    return client_for(advisers[0].user)


def test_wrong_content_type_is_415(adviser_client):
    response = adviser_client.generic(
        "POST", "/api/v1/engagements/", "council=E06000001", content_type="application/x-www-form-urlencoded"
    )
    assert error(response, 415)["code"] == "unsupported_media_type"
    error(adviser_client.generic("POST", "/api/v1/engagements/", "hello", content_type="text/plain"), 415)


@pytest.mark.parametrize("body", ["{not json", "[1, 2", "{'single': 'quotes'}", "NaN"])
def test_a_body_that_is_not_json_is_400(adviser_client, body):
    response = adviser_client.generic("POST", "/api/v1/engagements/", body, content_type="application/json")
    assert error(response, 400)["code"] == "parse_error"


def test_json_that_is_not_an_object_is_400(adviser_client):
    response = adviser_client.post("/api/v1/engagements/", [1, 2], format="json")
    assert "non_field_errors" in error(response, 400)["errors"]


def test_strings_of_100000_characters_are_400(adviser_client):
    values = {"council": "E06000001", "kind": "call", "channel": "phone", "summary": "x" * 100_000}
    body = error(adviser_client.post("/api/v1/engagements/", values, format="json"), 400)
    assert list(body["errors"]) == ["summary"]
    assert str(TEXT_MAX_LENGTH) in body["errors"]["summary"][0].replace(",", "")


def test_bodies_over_the_upload_limit_are_413(adviser_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    payload = json.dumps({"council": "E06000001", "summary": "x" * 20_000})
    body = error(adviser_client.generic("POST", "/api/v1/engagements/", payload, content_type="application/json"), 413)
    assert body["code"] == "too_large"


def test_hsds_bad_input_is_json_too(api):
    assert error(api.get("/api/hsds/services", {"per_page": "100000"}), 400)["errors"].keys() == {"per_page"}
    assert error(api.get("/api/hsds/services", {"page": "zero"}), 400)["errors"].keys() == {"page"}
    assert error(api.get("/api/hsds/services", {"modified_after": "soon"}), 400)["errors"].keys() == {"modified_after"}
    assert error(api.get("/api/hsds/services", {"taxonomy_term_id": "42"}), 400)["errors"].keys() == {
        "taxonomy_term_id"
    }
    assert error(api.get("/api/hsds/services", {"search": "a\x00b"}), 400)["errors"].keys() == {"search"}
    error(api.get("/api/hsds/services", {"page": 999}), 404)
    error(api.get("/api/hsds/services/not-a-uuid"), 404)
    error(api.get("/api/hsds/services/00000000-0000-0000-0000-000000000000"), 404)


@pytest.mark.parametrize("ordering", [",", "title,,", "price"])
def test_bad_orderings_are_400(api, ordering):
    assert list(error(api.get("/api/v1/offers/", {"ordering": ordering}), 400)["errors"]) == ["ordering"]


def test_empty_parameters_count_as_not_given(api):
    assert (
        api.get("/api/v1/offers/", {"theme": "", "status": "", "page_size": "", "page": "", "format": ""}).status_code
        == 200
    )
    assert api.get("/api/v1/stats/coverage/", {"from": "", "to": "", "by": ""}).status_code == 200


DEEP = 5000


@pytest.fixture
def own_engagement(advisers):
    return EngagementFactory(adviser=advisers[0], council=Council.objects.get(gss_code="E06000001"))


@pytest.mark.parametrize(
    "body",
    [
        "[" * DEEP + "]" * DEEP,
        '{"a":' * DEEP + "1" + "}" * DEEP,
        '{"council": "E06000001", "offers": ' + "[" * DEEP + "]" * DEEP + "}",
        # Shallow enough for Python's parser, far deeper than any write needs.
        '{"council": "E06000001", "summary": ' + "[" * 200 + "]" * 200 + "}",
    ],
    ids=["arrays", "objects", "inside-a-field", "200-levels"],
)
@pytest.mark.parametrize("method, target", [("POST", "list"), ("PATCH", "detail"), ("PUT", "detail")])
def test_deeply_nested_json_is_400_on_every_write(adviser_client, own_engagement, body, method, target):
    from lga_portal.api.parsers import NESTED_TOO_DEEPLY

    path = "/api/v1/engagements/" + (f"{own_engagement.pk}/" if target == "detail" else "")
    response = adviser_client.generic(method, path, body, content_type="application/json")
    answer = error(response, 400)
    assert answer["code"] == "parse_error"
    assert answer["detail"] == NESTED_TOO_DEEPLY
    own_engagement.refresh_from_db()
    assert own_engagement.version == 1


def test_ordinary_nesting_still_parses(adviser_client, own_engagement):
    response = adviser_client.patch(
        f"/api/v1/engagements/{own_engagement.pk}/", {"version": 1, "summary": "Still fine"}, format="json"
    )
    assert response.status_code == 200, response.content
