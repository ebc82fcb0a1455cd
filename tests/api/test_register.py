"""Regions, councils and principal advisers through the API."""

import pytest

from engagements.models import Council

pytestmark = pytest.mark.django_db
COUNCILS = "/api/v1/councils/"


def codes(response):
    assert response.status_code == 200, response.json()
    return {row["gss_code"] for row in response.json()["results"]}


def test_the_nine_regions(api):
    body = api.get("/api/v1/regions/").json()
    assert body["count"] == 9
    assert body["results"][0] == {
        "id": body["results"][0]["id"],
        "url": body["results"][0]["url"],
        "code": "E12000001",
        "slug": "north-east",
        "name": "North East",
    }


def test_every_council_including_abolished_ones_with_successors(api):
    body = api.get(COUNCILS, {"page_size": 1000}).json()
    assert body["count"] == 337
    allerdale = api.get(f"{COUNCILS}E07000026/").json()
    assert allerdale["is_active"] is False and allerdale["abolished_on"] == "2023-04-01"
    assert [s["gss_code"] for s in allerdale["successors"]] == ["E06000063"]
    assert allerdale["parent"]["gss_code"] == "E10000006"
    assert allerdale["region"]["slug"] == "north-west"


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"active": "true"}, lambda: Council.objects.active()),
        ({"active": "false"}, lambda: Council.objects.filter(is_active=False)),
        ({"region": "north-east"}, lambda: Council.objects.filter(region__slug="north-east")),
        ({"kind": "london_borough"}, lambda: Council.objects.filter(kind="london_borough")),
        ({"code": ["E06000001", "E08000003"]}, lambda: Council.objects.filter(gss_code__in=["E06000001", "E08000003"])),
        ({"search": "hartle"}, lambda: Council.objects.filter(name__icontains="hartle")),
    ],
)
def test_council_filters(api, query, expected):
    assert codes(api.get(COUNCILS, {**query, "page_size": 1000})) == set(expected().values_list("gss_code", flat=True))


def test_councils_existing_on_a_date(api):
    before = codes(api.get(COUNCILS, {"existing_on": "2020-06-30", "page_size": 1000}))
    after = codes(api.get(COUNCILS, {"existing_on": "2024-06-30", "page_size": 1000}))
    assert "E07000026" in before and "E07000026" not in after
    assert "E06000063" in after and "E06000063" not in before


def test_councils_by_adviser_and_advisers_public_fields(api, advisers):
    pat, _ = advisers
    assert codes(api.get(COUNCILS, {"adviser": pat.pk})) == {"E06000001"}
    row = api.get(f"/api/v1/advisers/{pat.pk}/").json()
    assert set(row) == {"id", "name", "email", "phone", "region", "is_active"}
