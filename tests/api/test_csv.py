"""CSV: every list, with ?format=csv or Accept: text/csv, the same filters, streamed, flat columns."""

import csv
import io

import pytest

from engagements.models import Council
from lga_portal.api.urls import router
from offers.models import Offer
from tests.factories import EngagementFactory

from .conftest import LISTS

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming, "lists stream their CSV"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("path", LISTS)
def test_every_list_answers_csv_both_ways(client_for, manager, engagements, path):
    client = client_for(manager)
    by_format = read_csv(client.get(path, {"format": "csv"}))
    by_accept = read_csv(client.get(path, HTTP_ACCEPT="text/csv"))
    assert by_format == by_accept
    json_count = client.get(path).json()
    assert len(by_format) == (json_count["count"] if "count" in json_count else len(json_count["results"]))


@pytest.mark.parametrize(
    "path",
    ["/api/v1/stats/coverage/", "/api/v1/stats/take-up/", "/api/v1/stats/survey-trends/?survey=resident-satisfaction"],
)
def test_aggregates_answer_csv(api, path):
    response = api.get(path, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert "," in header


def test_offers_csv_has_flat_columns_and_the_filters_apply(api):
    rows = read_csv(api.get("/api/v1/offers/", {"format": "csv", "offer_format": "coaching-and-mentoring"}))
    expected = Offer.objects.published().filter(formats__slug="coaching-and-mentoring")
    assert {row["slug"] for row in rows} == set(expected.values_list("slug", flat=True))
    row = rows[0]
    offer = Offer.objects.with_related().get(slug=row["slug"])
    assert row["theme.slug"] == offer.theme.slug and row["theme.name"] == offer.theme.name
    assert row["audiences.slug"] == "; ".join(a.slug for a in offer.audiences.all())
    assert "coaching-and-mentoring" in row["formats.slug"].split("; ")
    assert row["is_published"] == "true"
    assert row["url"].endswith(f"/api/v1/offers/{offer.slug}/")  # links to the JSON, not to CSV


def test_csv_is_the_whole_list_not_one_page(api):
    rows = read_csv(api.get("/api/v1/councils/", {"format": "csv", "page_size": 5}))
    assert len(rows) == Council.objects.count()


def test_an_empty_list_still_has_its_header(api):
    text = b"".join(api.get("/api/v1/councils/", {"format": "csv", "search": "zzzz"}).streaming_content)
    assert text.decode("utf-8-sig").startswith("id,uuid,url,gss_code,")


def test_errors_are_json_even_when_csv_was_asked_for(api, client_for, analyst):
    response = api.get("/api/v1/offers/", {"format": "csv", "theme": "no-such-theme"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "theme" in response.json()["errors"]
    response = api.get("/api/v1/engagements/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(client_for, advisers):
    pat, _ = advisers
    EngagementFactory(adviser=pat, summary='=HYPERLINK("http://evil")', hours="1.5")
    rows = read_csv(client_for(pat.user).get("/api/v1/engagements/", {"format": "csv"}))
    assert rows[0]["summary"].startswith("'=") and rows[0]["hours"] == "1.50"


def test_detail_pages_do_not_offer_csv(api):
    assert api.get("/api/v1/regions/north-east/", HTTP_ACCEPT="text/csv").status_code == 406


def test_the_walks_cover_every_list_the_router_registers():
    """A resource added to the router joins the CSV and query-count walks (the stats have their own tests)."""
    registered = {f"/api/v1/{prefix}/" for prefix, _, _ in router.registry if not prefix.startswith("stats/")}
    assert registered - set(LISTS) == set()
