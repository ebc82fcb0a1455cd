"""Unmet needs across the sector: the figures on hand-built records, the page, its CSV and who may see them."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.models import Council, EngagementStatus
from metrics.forms import DATE_INVALID, PERIOD_REVERSED
from metrics.needs import unmet_needs
from offers.models import Offer, Theme
from tests.factories import AdviserFactory, EngagementFactory
from tests.metrics.html import rows, section

pytestmark = pytest.mark.django_db
URL = "/metrics/needs/"
D = datetime.date
START, END = D(2024, 1, 1), D(2024, 12, 31)


@pytest.fixture
def adviser(make_user):
    return AdviserFactory(user=make_user("adviser", username="ada"), councils=[], name="Ada Adviser")


def theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug)


def offer_of(slug: str) -> Offer:
    return Offer.objects.filter(theme__slug=slug).order_by("slug").first()


def council(code: str) -> Council:
    return Council.objects.get(gss_code=code)


@pytest.fixture
def needs_2024(adviser):
    """Finance raised by Hartlepool (met later), Middlesbrough (unmet) and Manchester (unmet);
    workforce by Hartlepool (unmet: its take-up came before it raised it again)."""
    finance, workforce = theme("financial-resilience"), theme("workforce")
    hartlepool, middlesbrough, manchester = council("E06000001"), council("E06000002"), council("E08000003")
    EngagementFactory(
        council=hartlepool, adviser=adviser, user=adviser.user, date=D(2024, 3, 1), themes=[finance, workforce]
    )
    EngagementFactory(
        council=hartlepool, adviser=adviser, user=adviser.user, date=D(2024, 4, 1), offers=[offer_of("workforce")]
    )
    EngagementFactory(council=hartlepool, adviser=adviser, user=adviser.user, date=D(2024, 5, 1), themes=[workforce])
    EngagementFactory(
        council=hartlepool,
        adviser=adviser,
        user=adviser.user,
        date=D(2025, 2, 1),
        offers=[offer_of("financial-resilience")],
    )
    EngagementFactory(council=middlesbrough, adviser=adviser, user=adviser.user, date=D(2024, 6, 1), themes=[finance])
    EngagementFactory(
        council=middlesbrough,
        adviser=adviser,
        user=adviser.user,
        date=D(2024, 5, 1),
        offers=[offer_of("financial-resilience")],
    )
    EngagementFactory(council=manchester, adviser=adviser, user=adviser.user, date=D(2024, 7, 1), themes=[finance])
    # Outside the period, or not held: not counted.
    EngagementFactory(council=manchester, adviser=adviser, user=adviser.user, date=D(2023, 7, 1), themes=[workforce])
    EngagementFactory(
        council=middlesbrough,
        adviser=adviser,
        user=adviser.user,
        date=D(2024, 8, 1),
        themes=[workforce],
        status=EngagementStatus.CANCELLED,
    )


def figures(result):
    return {f.theme.slug: (f.raised, f.unmet) for f in result.themes if f.raised}


def test_needs_raised_and_not_met_by_theme(needs_2024):
    result = unmet_needs(START, END)
    assert figures(result) == {"financial-resilience": (3, 2), "workforce": (1, 1)}
    assert [f.theme.slug for f in result.themes[:2]] == ["financial-resilience", "workforce"]  # most unmet first
    assert (result.raised, result.unmet) == (4, 3)
    # A shorter period: Hartlepool's finance need of March alone, met in 2025.
    assert figures(unmet_needs(D(2024, 1, 1), D(2024, 3, 31))) == {"financial-resilience": (1, 0), "workforce": (1, 0)}


def test_needs_by_region_and_by_kind_of_council(needs_2024):
    by_region = unmet_needs(START, END, by="region")
    finance = next(figures for t, figures in by_region.matrix if t.slug == "financial-resilience")
    cells = {f.group: (f.raised, f.unmet) for f in finance if f.raised}
    assert cells == {"north-east": (2, 1), "north-west": (1, 1)}
    totals = {t.group: (t.raised, t.unmet) for t in by_region.group_totals if t.raised}
    assert totals == {"north-east": (3, 2), "north-west": (1, 1)}
    by_kind = unmet_needs(START, END, by="council_kind")
    assert {t.group: (t.raised, t.unmet) for t in by_kind.group_totals if t.raised} == {
        "unitary": (3, 2),
        "metropolitan_district": (1, 1),
    }
    assert len(by_kind.rows()) == Theme.objects.count() * 5


def test_a_successors_take_up_meets_an_abolished_councils_need(adviser):
    allerdale, cumberland = council("E07000026"), council("E06000063")
    EngagementFactory(
        council=allerdale, adviser=adviser, user=adviser.user, date=D(2022, 5, 1), themes=[theme("workforce")]
    )
    period = (D(2022, 1, 1), D(2022, 12, 31))
    assert figures(unmet_needs(*period)) == {"workforce": (1, 1)}
    EngagementFactory(
        council=cumberland, adviser=adviser, user=adviser.user, date=D(2023, 6, 1), offers=[offer_of("workforce")]
    )
    assert figures(unmet_needs(*period, by="council_kind")) == {"workforce": (1, 0)}
    district = next(t for t in unmet_needs(*period, by="council_kind").group_totals if t.group == "district")
    assert (district.raised, district.unmet) == (1, 0)


def test_the_figures_take_a_fixed_number_of_queries(needs_2024, adviser):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            unmet_needs(START, END, by="region")
        return len(captured)

    few = queries()
    for n in range(20):
        EngagementFactory(
            council=council("E06000003"),
            adviser=adviser,
            user=adviser.user,
            date=D(2024, 1, 2) + datetime.timedelta(days=n * 9),
            themes=[theme("workforce")],
            offers=[offer_of("leadership")],
        )
    # Themes, councils with their four-probe figures, the councils replacing them, the region names
    # (and, when a council in the period has been abolished, its successors' take-ups).
    assert queries() == few == 4


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_needs_by_theme_as_a_chart_and_a_table(client, make_user, needs_2024):
    client.force_login(make_user("editor"))
    response = client.get(URL, {"from": "2024-01-01", "to": "2024-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    table = rows(section(html, 'id="by-theme"'))
    assert table["Financial resilience"] == ["3", "2", "67%"]
    assert table["Workforce"] == ["1", "1", "100%"]
    assert "<svg" in html and "Councils with an unmet need, by theme" in html
    assert "Most unmet: Financial resilience: 2; Workforce: 1." in html


def test_the_page_by_region_has_a_table_of_themes_by_region(client, make_user, needs_2024):
    client.force_login(make_user("manager"))
    html = client.get(URL, {"from": "2024-01-01", "to": "2024-12-31", "by": "region"}).content.decode()
    matrix = rows(section(html, 'id="by-group"'))
    regions = [r for r in matrix["Financial resilience"]]
    assert "1 of 2" in regions and "1 of 1" in regions
    assert "Unmet needs, by region" in html


def test_bad_dates_are_explained_beside_the_fields(client, make_user):
    client.force_login(make_user("editor"))
    response = client.get(URL, {"from": "2024-02-30", "to": "2023-01-01", "by": "nonsense"})
    assert response.status_code == 200
    html = response.content.decode()
    assert DATE_INVALID.format(which="start", example="2020-03-01") in html
    assert "There is a problem" in html and "<title>Error: Unmet needs" in html
    response = client.get(URL, {"from": "2024-02-01", "to": "2023-01-01"})
    assert PERIOD_REVERSED in response.content.decode()


def test_the_csv_has_every_figure_of_the_page(client, make_user, needs_2024):
    client.force_login(make_user("analyst"))
    response = client.get(URL + "csv/", {"from": "2024-01-01", "to": "2024-12-31", "by": "region"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="lga-unmet-needs-2024-01-01-to-2024-12-31.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(body)))
    assert len(lines) == Theme.objects.count() * 9
    row = next(r for r in lines if r["theme"] == "financial-resilience" and r["group"] == "north-east")
    assert (row["councils_raised"], row["councils_unmet"], row["from"], row["to"]) == (
        "2",
        "1",
        "2024-01-01",
        "2024-12-31",
    )
    bad = client.get(URL + "csv/", {"from": "soon"})
    assert bad.status_code == 400 and "start date" in bad.content.decode()


@pytest.mark.parametrize(
    "role,status", [("adviser", 200), ("analyst", 200), ("editor", 200), ("manager", 200), (None, 403)]
)
def test_who_may_see_unmet_needs(client, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == status
    assert client.get(URL + "csv/").status_code == status


def test_anonymous_readers_are_asked_to_sign_in(client):
    for url in (URL, URL + "csv/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "sign in to see unmet needs" in client.get("/metrics/").content.decode()
