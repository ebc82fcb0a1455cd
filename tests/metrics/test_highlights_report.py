"""The highlights report from live data: the seed figures of March–September 2020 and none outside."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from engagements.models import Channel, Council, EngagementKind
from metrics.formatting import format_date, indicator_value
from metrics.forms import DATE_INVALID, PERIOD_REVERSED, PERIOD_TOO_LONG
from metrics.models import Indicator, Observation
from metrics.views import last_six_months
from offers.models import Offer, Source
from tests.factories import AdviserFactory, EngagementFactory
from tests.metrics.html import rows, section, text

pytestmark = pytest.mark.django_db
URL = "/reports/highlights/"
CSV_URL = "/reports/highlights/csv/"
MARCH_TO_SEPTEMBER = {"from": "2020-03-01", "to": "2020-09-30"}
D = datetime.date


def headline_items(page: str) -> set[str]:
    """The text of every headline bullet: "Indicator: figure (dates)"."""
    items = set()
    for block in re.findall(r"<h3[^>]*>Headlines</h3>(.*?)</ul>", page, flags=re.S):
        for item in re.findall(r"<li>(.*?)</strong>\s*\((.*?)\)", block, flags=re.S):
            items.add(f"{text(item[0])} ({text(item[1])})")
    return items


def expected_item(observation: Observation) -> str:
    dates = format_date(observation.date)
    if observation.period_start and observation.period_start != observation.date:
        dates = f"{format_date(observation.period_start)} to {dates}"
    value = indicator_value(observation.value, observation.indicator.unit, observation.qualifier)
    return f"{observation.indicator.name}: {value} ({dates})"


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()), "CSV starts with a byte-order mark so Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def engagements_in_2020():
    """Hartlepool and Darlington engaged about the recovery panel in summer 2020; Hartlepool again in 2021."""
    adviser = AdviserFactory()
    panel = Offer.objects.get(slug="recovery-and-renewal-panel")
    hartlepool, darlington = Council.objects.filter(gss_code__in=["E06000001", "E06000005"]).order_by("gss_code")
    for council, day in [(hartlepool, D(2020, 7, 10)), (darlington, D(2020, 8, 3)), (hartlepool, D(2021, 1, 4))]:
        EngagementFactory(
            council=council, adviser=adviser, date=day, kind=EngagementKind.PANEL, channel=Channel.VIDEO, offers=[panel]
        )
    return hartlepool, darlington


def test_march_to_september_2020_holds_the_seed_figures_of_the_window_and_none_outside(client):
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    assert "1 March 2020 to 30 September 2020" in page
    shown = headline_items(page)
    inside = Observation.objects.filter(date__gte=D(2020, 3, 1), date__lte=D(2020, 9, 30)).select_related("indicator")
    outside = Observation.objects.exclude(pk__in=inside).select_related("indicator")
    # Hand count from metrics/data/indicators.yaml: 9 figures dated 30 June, 1 on 1 July, 1 on 15 July,
    # 2 on 31 July, 3 on 31 August and 40 on 30 September 2020.
    assert inside.count() == 56
    assert shown == {expected_item(o) for o in inside}
    assert not shown & {expected_item(o) for o in outside}
    # The seed report's own figures, by hand.
    for item in [
        "Councils supported by Finance Improvement and Sustainability Advisers: 30 councils (30 September 2020)",
        "Signed coaching agreements for councillors: 44 (30 June 2020)",
        "Councils engaged in coaching for chief executives and senior officers: 88 councils (31 July 2020)",
        "LG Inform page views per month: 222,000 page views (1 August 2020 to 31 August 2020)",
        "LG Inform page views per month: 107,000 page views (1 June 2020 to 30 June 2020)",
        "Councils receiving bespoke support: over 45 councils (1 April 2020 to 30 September 2020)",
        "Councillors receiving weekly first magazine COVID-19 bulletins: over 18,000 people (30 September 2020)",
    ]:
        assert item in shown or item.split(":")[0] not in {i.split(":")[0] for i in shown}, item
    assert (
        "Councils supported by Finance Improvement and Sustainability Advisers: 30 councils (30 September 2020)"
        in shown
    )
    assert "Signed coaching agreements for councillors: 44 (30 June 2020)" in shown
    # And none of the November report's: 46 councils, 65 agreements, 444 coaching hours.
    for later in ["Advisers: 46 councils", "councillors: 65", "Coaching hours for chief executives"]:
        assert not any(later in item for item in shown), later
    summary = text(section(page, "Summary"))
    assert "56 headline figures reported" in summary
    # Offers whose launch the documents date between March and September 2020 (hand count: 10).
    assert "10 offers launched" in summary


def test_the_survey_round_of_the_window_with_its_changes(client):
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    survey = section(page, "Resident satisfaction polling")
    assert "round 26 (Jun-20)" in survey
    assert "round 25 (Feb-20)</h3>" not in survey and "round 27 (Oct-20)" not in survey
    table = rows(survey)
    assert table["Trusts the council"] == ["71%", "+12 percentage points"]
    assert table["Satisfied with local area as a place to live"] == ["87%", "+6 percentage points"]
    assert (
        "The biggest increases from round 25 (Feb-20) are “Satisfied with way local council runs things” "
        "and “Trusts the council”, both up 12 percentage points." in text(survey)
    )


def test_take_up_and_coverage_from_engagements(client, engagements_in_2020):
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    peer_support = section(page, 'id="theme-peer-support-heading"')
    assert "2 councils took up this theme's offers, through 2 engagements" in text(peer_support)
    assert rows(peer_support)["LGA Recovery and Renewal Panel"] == ["2", "2"]
    # 333 councils existed in 2020 (317 today plus 16 abolished in 2023); 2 were engaged.
    coverage = text(section(page, "Engagement with councils"))
    assert "engaged 2 of the 333 councils (0.6%)" in coverage
    assert rows(section(page, "Engagement with councils"))["2020 Q3 1 Jul to 30 Sep"] == ["2", "333", "0.6%"]


def test_anonymous_readers_get_no_council_level_detail(client, engagements_in_2020):
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    assert "Councils not engaged in the period" not in page
    assert "Westminster" not in page and "Hartlepool" not in page
    assert "public version of the report" in page
    report_csv = csv_rows(client.get(CSV_URL, MARCH_TO_SEPTEMBER))
    assert not [row for row in report_csv if row["section"] == "Council not engaged"]


@pytest.mark.parametrize("role", ["adviser", "manager"])
def test_advisers_and_managers_see_the_councils_not_engaged(client, make_user, engagements_in_2020, role):
    client.force_login(make_user(role))
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    assert "Councils not engaged in the period (331)" in page
    assert "Westminster" in page and "Hartlepool</th>" not in page
    report_csv = csv_rows(client.get(CSV_URL, MARCH_TO_SEPTEMBER))
    not_engaged = [row["subject"] for row in report_csv if row["section"] == "Council not engaged"]
    assert len(not_engaged) == 331 and "Westminster" in not_engaged and "Hartlepool" not in not_engaged


def test_csv_download_has_every_figure(client, engagements_in_2020):
    response = client.get(CSV_URL, MARCH_TO_SEPTEMBER)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="lga-highlights-2020-03-01-to-2020-09-30.csv"' in response["Content-Disposition"]
    report = csv_rows(response)
    indicators = [row for row in report if row["section"] == "Indicator"]
    assert len(indicators) == 56
    fisa = next(row for row in indicators if row["subject"].startswith("Councils supported by Finance"))
    assert (fisa["value"], fisa["unit"], fisa["period_end"]) == ("30", "councils", "2020-09-30")
    assert fisa["source"].endswith("Highlights and Summary (March-September 2020)")
    assert not [row for row in indicators if row["period_end"] > "2020-09-30" or row["period_end"] < "2020-03-01"]
    survey = {(row["subject"], row["measure"]): row["value"] for row in report if row["section"] == "Survey"}
    trust = "Resident satisfaction with councils: Trusts the council"
    assert survey[(trust, "Round 26 (Jun-20)")] == "71"
    assert survey[(trust, "Round 26 (Jun-20): change from round 25 (Feb-20)")] == "12"
    take_up = {
        (row["theme"], row["subject"], row["measure"]): row["value"] for row in report if row["section"] == "Take-up"
    }
    assert take_up[("Peer support", "Peer support", "Councils")] == "2"
    assert take_up[("Peer support", "LGA Recovery and Renewal Panel", "Engagements")] == "2"
    launched = [row["subject"] for row in report if row["section"] == "Offer launched"]
    assert len(launched) == 10
    coverage = {(row["subject"], row["measure"]): row["value"] for row in report if row["section"] == "Coverage"}
    assert coverage[("Whole period", "Councils engaged")] == "2"
    assert coverage[("Whole period", "Councils")] == "333"
    assert coverage[("2020 Q3", "Coverage")] == "0.6"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2020-09-30", "to": "2020-03-01"}, PERIOD_REVERSED),
        ({"from": "2020-13-01", "to": "2020-09-30"}, DATE_INVALID.format(which="start", example="2020-03-01")),
        ({"from": "March 2020", "to": "2020-09-30"}, DATE_INVALID.format(which="start", example="2020-03-01")),
        ({"from": "2000-01-01", "to": "2049-12-31"}, PERIOD_TOO_LONG),
    ],
)
def test_bad_periods_are_explained_never_a_500(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert "Resident satisfaction polling" not in page  # no report for a bad period
    download = client.get(CSV_URL, params)
    assert download.status_code == 400 and message in download.content.decode()


def test_default_period_is_the_last_six_whole_months(client):
    start, end = last_six_months(timezone.localdate())
    assert start.day == 1 and (end + datetime.timedelta(days=1)).day == 1
    page = client.get(URL).content.decode()
    assert f"{format_date(start)} to {format_date(end)}" in page
    assert f'value="{start.isoformat()}"' in page


def test_last_six_months_by_hand():
    assert last_six_months(D(2020, 10, 15)) == (D(2020, 4, 1), D(2020, 9, 30))
    assert last_six_months(D(2021, 3, 1)) == (D(2020, 9, 1), D(2021, 2, 28))


def test_one_page_per_theme_when_printed(client):
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    window = (D(2020, 3, 1), D(2020, 9, 30))
    with_figures = set(Observation.objects.between(*window).values_list("indicator__theme__slug", flat=True))
    with_launches = set(Offer.objects.filter(launched_on__range=window).values_list("theme__slug", flat=True))
    themes = with_figures | with_launches
    assert len(themes) == 9
    for slug in themes:
        assert f'<section class="app-page-break" id="theme-{slug}"' in page
    assert page.count('class="app-page-break"') == len(themes) + 2  # then the survey and coverage


@pytest.mark.parametrize(("role", "queries"), [(None, 13), ("adviser", 17)])
def test_report_query_count_is_fixed(client, make_user, django_assert_num_queries, engagements_in_2020, role, queries):
    if role:
        client.force_login(make_user(role))
    with django_assert_num_queries(queries):
        client.get(URL, MARCH_TO_SEPTEMBER)
    adviser = AdviserFactory()
    offers = list(Offer.objects.order_by("pk")[:20])
    for i, council in enumerate(Council.objects.active().order_by("gss_code")[:40]):
        EngagementFactory(council=council, adviser=adviser, date=D(2020, 3 + i % 7, 1), offers=[offers[i % 20]])
    source = Source.objects.first()
    indicator = Indicator.objects.create(name="Extra", slug="extra", unit="councils")
    for month in range(3, 10):
        Observation.objects.create(indicator=indicator, date=D(2020, month, 15), value=month, source=source)
    with django_assert_num_queries(queries):
        client.get(URL, MARCH_TO_SEPTEMBER)
    with django_assert_num_queries(queries):
        b"".join(client.get(CSV_URL, MARCH_TO_SEPTEMBER).streaming_content)


def test_each_theme_lists_its_ten_offers_taken_up_by_most_councils(client):
    """However many offers a theme has, the report lists the ten most councils took up, and says of how many."""
    adviser = AdviserFactory()
    theme_offers = list(Offer.objects.filter(theme__slug="peer-support").order_by("id"))
    extra = [
        Offer.objects.create(title=f"Extra offer {n}", slug=f"extra-offer-{n}", theme=theme_offers[0].theme)
        for n in range(12 - len(theme_offers))
    ]
    offers = (theme_offers + extra)[:12]
    councils = list(Council.objects.active().order_by("gss_code")[:12])
    # Offer i is taken up by 12 - i councils: the ranking is the list's order.
    for i, offer in enumerate(offers):
        for council in councils[: 12 - i]:
            EngagementFactory(council=council, adviser=adviser, date=D(2020, 5, 1), offers=[offer])
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    peer_support = section(page, 'id="theme-peer-support-heading"')
    assert "The 10 offers taken up by most councils (of 12)" in text(peer_support)
    table = rows(peer_support)
    assert [title for title in table if title != "Offer"] == [offer.title for offer in offers[:10]]
    assert table[offers[0].title] == ["12", "12"] and table[offers[9].title] == ["3", "3"]
    assert "12 councils took up this theme's offers, through 78 engagements" in text(peer_support)
    report_csv = csv_rows(client.get(CSV_URL, MARCH_TO_SEPTEMBER))
    listed = {row["subject"] for row in report_csv if row["section"] == "Take-up" and row["theme"] == "Peer support"}
    assert listed == {"Peer support", *(offer.title for offer in offers[:10])}
