"""The highlights report from live data: the seed figures of March–September 2020 and none outside,
each theme's opening sentences built from its figures, and demo data marked as such."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from engagements.models import DEMO_IMPORT_PREFIX, Adviser, Channel, Council, Engagement, EngagementKind
from engagements.summaries import refresh_summaries_for
from metrics.formatting import format_date, indicator_value
from metrics.forms import DATE_INVALID, PERIOD_REVERSED, PERIOD_TOO_LONG
from metrics.highlights import DEMO_LABEL
from metrics.models import Indicator, Observation
from metrics.views import last_six_months
from offers.models import Offer, Source, Theme
from tests.factories import AdviserFactory, EngagementFactory
from tests.metrics.html import cells, rows, section, text

pytestmark = pytest.mark.django_db
URL = "/reports/highlights/"
CSV_URL = "/reports/highlights/csv/"
MARCH_TO_SEPTEMBER = {"from": "2020-03-01", "to": "2020-09-30"}
D = datetime.date


def headline_items(page: str) -> set[str]:
    """Every row of the themes' headline-figure tables: "Indicator: figure (when)"."""
    items = set()
    for table in re.findall(r"Headline figures, as published</caption>(.*?)</table>", page, flags=re.S):
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table, flags=re.S)[1:]:  # after the header row
            name = text(re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, flags=re.S).group(1))
            value, when, _source = cells(row)
            items.add(f"{name}: {value} ({when})")
    return items


def expected_item(observation: Observation) -> str:
    when = observation.when
    value = indicator_value(observation.value, observation.indicator.unit, observation.qualifier)
    return f"{observation.indicator.name}: {value} ({when})"


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
    # The seed report's own figures, by hand, dated no more exactly than the report dates them.
    for item in [
        "Councils supported by Finance Improvement and Sustainability Advisers: 30 councils (September 2020)",
        "Signed coaching agreements for councillors: 44 (June 2020)",
        "Councils engaged in coaching for chief executives and senior officers: 88 councils (July 2020)",
        "LG Inform page views per month: 222,000 page views (August 2020)",
        "LG Inform page views per month: 107,000 page views (June 2020)",
        "Councils receiving bespoke support: over 45 councils (April to September 2020)",
        "Councillors receiving weekly first magazine COVID-19 bulletins: over 18,000 people (March to September 2020)",
    ]:
        assert item in shown or item.split(":")[0] not in {i.split(":")[0] for i in shown}, item
    assert (
        "Councils supported by Finance Improvement and Sustainability Advisers: 30 councils (September 2020)" in shown
    )
    assert "Signed coaching agreements for councillors: 44 (June 2020)" in shown
    # And none of the November report's: 46 councils, 65 agreements, 444 coaching hours.
    for later in ["Advisers: 46 councils", "councillors: 65", "Coaching hours for chief executives"]:
        assert not any(later in item for item in shown), later
    summary = text(section(page, "Summary"))
    assert "56 headline figures reported" in summary
    # Offers whose launch the documents date between March and September 2020 (hand count: 10), and
    # the civility e-learning module the report lists as produced in the period.
    assert "11 offers launched" in summary


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
    assert "2 councils took part, through 2 engagements with principal advisers" in text(peer_support)
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
    # Ten dated launches, and the civility e-learning module the report lists as produced in the period.
    assert len(launched) == 11
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


def test_a_section_for_each_theme_with_something_to_report_and_no_forced_page_breaks(client):
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    window = (D(2020, 3, 1), D(2020, 9, 30))
    with_figures = set(Observation.objects.between(*window).values_list("indicator__theme__slug", flat=True))
    with_launches = set(Offer.objects.filter(launched_on__range=window).values_list("theme__slug", flat=True))
    themes = with_figures | with_launches
    assert len(themes) == 9
    for slug in themes:
        assert f'<section class="app-report-theme" id="theme-{slug}"' in page
    assert page.count('<section class="app-report-theme"') == len(themes)
    # Themes run on one after another in print, like the printed reports (see the browser test
    # that pins the page count), rather than one theme to a page.
    assert "app-page-break" not in page


@pytest.mark.parametrize(("role", "queries"), [(None, 14), ("adviser", 18)])
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


def test_each_theme_lists_its_five_offers_taken_up_by_most_councils(client):
    """However many offers a theme has, the report lists the five most councils took up, and says of how many."""
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
    assert "The 5 offers taken up by most councils (of 12)" in text(peer_support)
    table = rows(peer_support[peer_support.index("offers taken up by most councils") :])
    assert list(table) == [offer.title for offer in offers[:5]]
    assert table[offers[0].title] == ["12", "12"] and table[offers[4].title] == ["8", "8"]
    assert "12 councils took part, through 78 engagements with principal advisers" in text(peer_support)
    assert f"the offer most took up was {offers[0].title} (12 councils)" in text(peer_support)
    report_csv = csv_rows(client.get(CSV_URL, MARCH_TO_SEPTEMBER))
    listed = {row["subject"] for row in report_csv if row["section"] == "Take-up" and row["theme"] == "Peer support"}
    assert listed == {"Peer support", *(offer.title for offer in offers[:5])}


@pytest.fixture
def pilot_theme():
    """A theme made in the test: one offer launched in the period, four figures, and take-up by three councils."""
    theme = Theme.objects.create(name="Resilience pilots", slug="resilience-pilots", order=999)
    source = Source.objects.create(key="pilot-report", title="Pilot report", published_on=D(2021, 1, 1))
    launched = Offer.objects.create(
        title="Pilot resilience review",
        slug="pilot-resilience-review",
        theme=theme,
        summary="A review.",
        launched_on=D(2020, 7, 1),
    )
    Offer.objects.create(title="Older pilot offer", slug="older-pilot-offer", theme=theme, summary="Older.")
    figures = [
        ("Councils receiving pilot support", "councils", 45, "over", D(2020, 4, 1), D(2020, 9, 30)),
        ("Pilot hub views", "views", 40000, "more than", None, D(2020, 9, 30)),
        ("Pilot webinars held", "count", 7, "", D(2020, 6, 1), D(2020, 6, 30)),
        ("Pilot guides published", "count", 3, "", None, D(2020, 9, 30)),
    ]
    for order, (name, unit, value, qualifier, period_start, day) in enumerate(figures):
        indicator = Indicator.objects.create(
            name=name, slug=name.lower().replace(" ", "-"), unit=unit, theme=theme, order=order
        )
        Observation.objects.create(
            indicator=indicator, date=day, period_start=period_start, value=value, qualifier=qualifier, source=source
        )
    adviser = Adviser.objects.create(name="P", email="p@example.org")
    councils = list(Council.objects.active().order_by("gss_code")[:3])
    for council, day in [
        (councils[0], D(2020, 7, 2)),
        (councils[0], D(2020, 8, 2)),
        (councils[1], D(2020, 8, 9)),
        (councils[2], D(2020, 9, 1)),
    ]:
        engagement = Engagement.objects.create(
            council=council, adviser=adviser, date=day, kind=EngagementKind.PANEL, channel=Channel.VIDEO
        )
        engagement.offers.add(launched)
    # Written around the services, as a bulk load is: the summaries are brought up to date as one does.
    refresh_summaries_for(Engagement.objects.values_list("pk", flat=True))
    return theme


def test_each_theme_opens_with_sentences_built_from_its_figures_before_its_tables(client, pilot_theme):
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    pilot = page[page.index('id="theme-resilience-pilots-heading"') :]
    pilot = pilot[: pilot.index("</section>")]
    words = text(pilot)
    assert (
        "1 offer was launched in the period: Pilot resilience review (1 July 2020). "
        "2 offers were available by the end of it." in words
    )
    # The published wording of each figure ("over 45 councils", "more than 40,000 views"), and when.
    assert (
        "Delivered, as published: councils receiving pilot support: over 45 councils (1 April to 30 September 2020); "
        "pilot hub views: more than 40,000 views (30 September 2020); pilot webinars held: 7 (June 2020); "
        "and 1 more figure in the table below." in words
    )
    assert (
        "3 councils took part, through 4 engagements with principal advisers; "
        "the offer most took up was Pilot resilience review (3 councils)." in words
    )
    assert "Demo data" not in words  # these engagements are real ones
    # The sentences come first, then the tables: every figure, and the take-up.
    assert pilot.index("Delivered, as published") < pilot.index("<table")
    figures = pilot[pilot.index("Headline figures, as published") :]
    assert rows(figures)["Pilot guides published"] == [
        "3",
        "30 September 2020",
        "4",
    ]  # the fourth source listed, the newest
    sources = text(section(page, 'id="sources-heading"'))
    assert "Pilot report (January 2021)" in sources


def test_a_theme_with_nothing_launched_says_so(client, pilot_theme):
    Offer.objects.filter(slug="pilot-resilience-review").update(launched_on=D(2019, 1, 1))
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    pilot = text(section(page, 'id="theme-resilience-pilots-heading"'))
    assert "No offer was launched in the period; 2 were available." in pilot


def make_demo(engagements):
    """Mark ``engagements`` as ``seed --demo`` marks its own."""
    for n, engagement in enumerate(engagements):
        Engagement.objects.filter(pk=engagement.pk).update(import_key=f"{DEMO_IMPORT_PREFIX}test-{n}")


def test_figures_from_demo_engagements_are_marked_as_demo_data(client, pilot_theme):
    make_demo(Engagement.objects.filter(offers__theme=pilot_theme)[:1])
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    assert "include demo data, made up to try the portal" in text(page)
    pilot = text(section(page, 'id="theme-resilience-pilots-heading"'))
    assert "the offer most took up was Pilot resilience review (3 councils). Demo data" in pilot
    summary = section(page, "By theme</caption>")
    assert "Councils taking up offers Demo data" in text(summary)
    coverage = text(section(page, "Engagement with councils"))
    assert "at least once between 1 March 2020 and 30 September 2020. Demo data" in coverage
    assert "Councils engaged Demo data" in coverage
    # Published figures sit beside them unmarked.
    figures = page[page.index("Headline figures, as published") :]
    assert "Demo data" not in figures[: figures.index("</table>")]

    report_csv = csv_rows(client.get(CSV_URL, MARCH_TO_SEPTEMBER))
    noted = {row["section"] for row in report_csv if row["note"] == DEMO_LABEL}
    assert noted == {"Take-up", "Coverage"}
    assert {row["note"] for row in report_csv if row["section"] == "Indicator"} == {""}

    take_up = text(client.get("/metrics/take-up/", MARCH_TO_SEPTEMBER).content.decode())
    assert "These figures include demo data" in take_up
    assert "Councils Demo data Engagements Demo data" in take_up


def test_without_demo_engagements_nothing_is_marked(client, pilot_theme):
    page = client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
    assert "Demo data" not in page and "demo data" not in page
    assert {row["note"] for row in csv_rows(client.get(CSV_URL, MARCH_TO_SEPTEMBER))} == {""}
    assert "demo data" not in client.get("/metrics/take-up/", MARCH_TO_SEPTEMBER).content.decode()
    # A demo engagement outside the period, or one not held (cancelled), leaves the period's figures unmarked.
    outside = Engagement.objects.create(
        council=Council.objects.first(),
        adviser=Adviser.objects.first(),
        date=D(2021, 1, 5),
        kind=EngagementKind.CALL,
        channel=Channel.PHONE,
    )
    make_demo([outside])
    assert "Demo data" not in client.get(URL, MARCH_TO_SEPTEMBER).content.decode()
