"""Every address answers: the API root lists every resource; each list, aggregate and page loads."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        "/api/v1/themes/",
        "/api/v1/offers/",
        "/api/v1/audiences/",
        "/api/v1/formats/",
        "/api/v1/regions/",
        "/api/v1/councils/",
        "/api/v1/advisers/",
        "/api/v1/surveys/",
        "/api/v1/rounds/",
        "/api/v1/measures/",
        "/api/v1/results/",
        "/api/v1/indicators/",
        "/api/v1/observations/",
        "/api/v1/stats/coverage/",
        "/api/v1/stats/take-up/",
        "/api/v1/stats/survey-trends/?survey=resident-satisfaction",
        "/api/hsds/",
        "/api/hsds/services",
        "/api/hsds/taxonomies",
        "/api/hsds/taxonomy_terms",
        "/api/schema/",
        "/api/docs/",
    ],
)
def test_public_addresses_answer(api, path):
    r = api.get(path)
    assert r.status_code == 200, (r.status_code, r.content[:500])


def test_addresses_for_signed_in_readers_answer(client_for, analyst, engagements):
    c = client_for(analyst)
    for path in [
        "/api/v1/engagements/",
        "/api/v1/engagements/feed/",
        "/api/v1/support-requests/",
        "/api/v1/engagements/?format=csv",
        "/api/v1/offers/?format=csv",
    ]:
        r = c.get(path)
        assert r.status_code == 200, (path, r.status_code, r.content[:500])


def test_the_root_lists_every_resource(api):
    root = api.get("/api/v1/").json()
    assert list(root) == [
        "themes",
        "offers",
        "audiences",
        "formats",
        "publications",
        "regions",
        "councils",
        "advisers",
        "engagements",
        "support-requests",
        "surveys",
        "rounds",
        "measures",
        "results",
        "indicators",
        "observations",
        "stats/coverage",
        "stats/take-up",
        "stats/survey-trends",
        "stats/unmet-needs",
    ]
    assert api.get("/api/").status_code == 302


def test_addresses_without_their_final_slash_are_redirected(api):
    response = api.get("/api/v1/offers", {"theme": "leadership"})
    assert response.status_code == 308 and response["Location"] == "/api/v1/offers/?theme=leadership"


def test_the_browsable_api_renders_for_signed_in_users(client, analyst):
    client.force_login(analyst)
    response = client.get("/api/v1/engagements/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"Engagement" in response.content
