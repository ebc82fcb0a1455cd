"""Coverage and take-up computed from engagements, checked against hand-counted fixtures."""

import datetime
from decimal import Decimal

import pytest

from engagements.models import (
    Council,
    Engagement,
    EngagementStatus,
    Region,
    held_condition,
)
from engagements.services import engagement_archive
from engagements.take_up import (
    offer_take_up,
    take_up_by_offer,
    take_up_by_theme,
    take_up_summary,
    themes_with_take_up,
)
from lga_portal.periods import periods_between
from metrics.coverage import coverage_breakdown
from metrics.selectors import councils_not_engaged, coverage, coverage_overall_and_by_kind
from offers.models import Offer
from tests.factories import AdviserFactory, EngagementFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def adviser():
    return AdviserFactory()


def test_periods_are_calendar_quarters_clipped_to_the_range():
    periods = periods_between(D(2023, 2, 15), D(2023, 7, 10), "quarter")
    assert [(p.label, p.start, p.end) for p in periods] == [
        ("2023 Q1", D(2023, 2, 15), D(2023, 3, 31)),
        ("2023 Q2", D(2023, 4, 1), D(2023, 6, 30)),
        ("2023 Q3", D(2023, 7, 1), D(2023, 7, 10)),
    ]


def test_coverage_across_the_cumbria_reorganisation(adviser):
    # Cumbria's councils: the county and six districts until 31 March 2023, then two unitaries.
    cumbria = Council.objects.filter(
        gss_code__in=[
            "E10000006",
            "E07000026",
            "E07000027",
            "E07000028",
            "E07000029",
            "E07000030",
            "E07000031",
            "E06000063",
            "E06000064",
        ]
    )
    allerdale = Council.objects.get(gss_code="E07000026")
    carlisle = Council.objects.get(gss_code="E07000028")
    cumberland = Council.objects.get(gss_code="E06000063")
    EngagementFactory(council=allerdale, adviser=adviser, date=D(2023, 1, 10))
    EngagementFactory(council=allerdale, adviser=adviser, date=D(2023, 2, 10))  # same council twice: counted once
    EngagementFactory(council=carlisle, adviser=adviser, date=D(2023, 3, 31))
    EngagementFactory(council=cumberland, adviser=adviser, date=D(2023, 4, 1))
    # Not held.
    EngagementFactory(council=cumberland, adviser=adviser, date=D(2023, 5, 1), status=EngagementStatus.CANCELLED)
    # Archived.
    engagement_archive(engagement=EngagementFactory(council=carlisle, adviser=adviser, date=D(2023, 1, 5)), user=None)

    rows = coverage(D(2023, 1, 1), D(2023, 6, 30), period="quarter", councils=cumbria)
    assert [(r.period.label, r.engaged, r.councils, r.percent) for r in rows] == [
        ("2023 Q1", 2, 7, Decimal("28.6")),  # 2 of the 7 councils of the time
        ("2023 Q2", 1, 2, Decimal("50.0")),  # 1 of the 2 new unitaries
    ]
    assert set(councils_not_engaged(D(2023, 4, 1), D(2023, 6, 30), cumbria)) == {
        Council.objects.get(gss_code="E06000064")
    }


def test_coverage_by_region_uses_each_regions_councils(adviser):
    london = Region.objects.get(slug="london")
    for council in Council.objects.filter(region=london).order_by("gss_code")[:11]:
        EngagementFactory(council=council, adviser=adviser, date=D(2024, 2, 1))
    rows = {r.group: r for r in coverage(D(2024, 1, 1), D(2024, 3, 31), by="region")}
    assert (rows["london"].engaged, rows["london"].councils, rows["london"].percent) == (11, 33, Decimal("33.3"))
    assert rows["north-east"].engaged == 0 and rows["north-east"].councils == 12


def test_take_up_counts_distinct_councils_per_offer(adviser):
    offer, other = Offer.objects.order_by("slug")[:2]
    hartlepool, darlington = Council.objects.filter(gss_code__in=["E06000001", "E06000005"]).order_by("gss_code")
    for council, day in [(hartlepool, D(2024, 1, 5)), (hartlepool, D(2024, 2, 5)), (darlington, D(2024, 3, 5))]:
        EngagementFactory(council=council, adviser=adviser, date=day, offers=[offer])
    EngagementFactory(council=darlington, adviser=adviser, date=D(2024, 3, 6), offers=[other])
    EngagementFactory(council=darlington, adviser=adviser, date=D(2025, 3, 6), offers=[other])  # outside the period
    assert offer_take_up(offer, D(2024, 1, 1), D(2024, 12, 31)) == 2
    rows = {r["offer_id"]: (r["councils"], r["engagements"]) for r in take_up_by_offer(D(2024, 1, 1), D(2024, 12, 31))}
    assert rows == {offer.pk: (2, 3), other.pk: (1, 1)}
    themes = {
        theme.pk: (councils, engagements)
        for theme, councils, engagements in themes_with_take_up(D(2024, 1, 1), D(2024, 12, 31))
    }
    if offer.theme_id == other.theme_id:
        assert themes[offer.theme_id] == (2, 4)
    else:
        assert themes[offer.theme_id] == (2, 3) and themes[other.theme_id] == (1, 1)


CUMBRIA = ["E10000006", "E07000026", "E07000027", "E07000028", "E07000029", "E07000030", "E07000031"]
CUMBRIA_SUCCESSORS = ["E06000063", "E06000064"]


@pytest.fixture
def cumbria():
    """The nine councils of Cumbria's reorganisation: seven abolished on 1 April 2023, two new."""
    return Council.objects.filter(gss_code__in=CUMBRIA + CUMBRIA_SUCCESSORS)


def test_monthly_coverage_with_a_council_abolished_mid_period(adviser, cumbria):
    allerdale = Council.objects.get(gss_code="E07000026")  # abolished 1 April 2023
    cumberland = Council.objects.get(gss_code="E06000063")  # established 1 April 2023
    westmorland = Council.objects.get(gss_code="E06000064")
    EngagementFactory(council=allerdale, adviser=adviser, date=D(2023, 3, 15))  # in its own period: counts for March
    EngagementFactory(council=cumberland, adviser=adviser, date=D(2023, 4, 10))
    EngagementFactory(council=westmorland, adviser=adviser, date=D(2023, 5, 20))
    EngagementFactory(council=westmorland, adviser=adviser, date=D(2023, 5, 21))  # the same council again in May: once

    rows = coverage(D(2023, 2, 1), D(2023, 5, 31), period="month", councils=cumbria)
    # Hand count: February and March have the 7 old councils; April and May the 2 new ones.
    assert [(r.period.label, r.engaged, r.councils, r.percent) for r in rows] == [
        ("Feb 2023", 0, 7, Decimal("0.0")),
        ("Mar 2023", 1, 7, Decimal("14.3")),  # 1 / 7 = 14.29%
        ("Apr 2023", 1, 2, Decimal("50.0")),
        ("May 2023", 1, 2, Decimal("50.0")),
    ]


def test_coverage_by_council_kind_across_the_reorganisation(adviser, cumbria):
    # Eden, a district.
    EngagementFactory(council=Council.objects.get(gss_code="E07000030"), adviser=adviser, date=D(2023, 2, 1))
    # Cumbria, the county.
    EngagementFactory(council=Council.objects.get(gss_code="E10000006"), adviser=adviser, date=D(2023, 3, 1))
    # Westmorland and Furness, a unitary.
    EngagementFactory(council=Council.objects.get(gss_code="E06000064"), adviser=adviser, date=D(2023, 6, 1))
    rows = coverage(D(2023, 1, 1), D(2023, 6, 30), period="quarter", by="council_kind", councils=cumbria)
    table = {(r.period.label, r.group): (r.engaged, r.councils) for r in rows if r.councils}
    assert table == {
        ("2023 Q1", "county"): (1, 1),
        ("2023 Q1", "district"): (1, 6),
        ("2023 Q2", "unitary"): (1, 2),
    }


def test_councils_not_engaged_in_a_period_spanning_the_abolition(adviser, cumbria):
    # Allerdale, before abolition.
    EngagementFactory(council=Council.objects.get(gss_code="E07000026"), adviser=adviser, date=D(2023, 3, 15))
    # Cumberland, after.
    EngagementFactory(council=Council.objects.get(gss_code="E06000063"), adviser=adviser, date=D(2023, 4, 10))
    not_engaged = councils_not_engaged(D(2023, 3, 1), D(2023, 4, 30), cumbria)
    # All nine existed at some point in March–April 2023; two were engaged.
    assert sorted(c.gss_code for c in not_engaged) == sorted(
        ["E10000006", "E07000027", "E07000028", "E07000029", "E07000030", "E07000031", "E06000064"]
    )
    assert cumbria.existing_during(D(2023, 3, 1), D(2023, 4, 30)).count() == 9


@pytest.mark.parametrize("by", ["region", "council_kind"])
def test_overall_coverage_summed_from_a_partition_equals_the_direct_figures(adviser, by):
    for i, council in enumerate(Council.objects.order_by("gss_code")[::7]):
        if council.existed_during(D(2022, 10, 1), D(2023, 6, 30)):
            EngagementFactory(
                council=council,
                adviser=adviser,
                date=D(2022, 10 + i % 3, 5) if council.abolished_on else D(2023, 1 + i % 6, 5),
            )
    breakdown = coverage_breakdown(D(2022, 10, 1), D(2023, 6, 30), period="quarter", by=by)
    direct = coverage(D(2022, 10, 1), D(2023, 6, 30), period="quarter")
    assert [(r.period, r.engaged, r.councils) for r in breakdown.overall] == [
        (r.period, r.engaged, r.councils) for r in direct
    ]
    assert len(breakdown.matrix) == 3 and len(breakdown.matrix[0]) == len(breakdown.groups)


@pytest.mark.parametrize(
    ("start", "end", "period"),
    [
        (D(2022, 10, 1), D(2023, 6, 30), "quarter"),  # whole quarters
        (D(2022, 11, 14), D(2023, 5, 20), "quarter"),  # clipped at both ends, part-months
        (D(2022, 10, 3), D(2023, 2, 27), "month"),
    ],
)
def test_overall_coverage_beside_the_kinds_equals_the_direct_figures(adviser, start, end, period):
    """On the page by kind of engagement the overall figures are counted from the kinds' summary
    rows: the same as probing the engagements, where councils are engaged in several ways, in
    part-months at the edges, and by engagements that do not count."""
    kinds = ["call", "workshop", "peer_support"]
    for i, council in enumerate(Council.objects.order_by("gss_code")[::5]):
        day = D(2022, 10, 1) + datetime.timedelta(days=(i * 37) % 270)
        if not council.existed_during(day, day):
            continue
        EngagementFactory(council=council, adviser=adviser, date=day, kind=kinds[i % 3])
        if i % 4 == 0:  # a second way, the same month
            EngagementFactory(council=council, adviser=adviser, date=day, kind=kinds[(i + 1) % 3])
        if i % 6 == 0:
            EngagementFactory(council=council, adviser=adviser, date=day, status=EngagementStatus.CANCELLED)
    overall, by_kind = coverage_overall_and_by_kind(start, end, period=period)
    assert [(r.period, r.engaged, r.councils) for r in overall] == [
        (r.period, r.engaged, r.councils) for r in coverage(start, end, period=period)
    ]
    assert by_kind == coverage(start, end, period=period, by="engagement_kind")
    assert sum(r.engaged for r in overall) > 0


def test_take_up_summary_is_the_take_up_by_theme_and_by_offer(adviser):
    """The report's one-pass take-up gives the same figures as the separate selectors, where
    engagements take up several offers, of one theme or several, and some do not count."""
    by_theme: dict[int, list[Offer]] = {}
    for offer in Offer.objects.order_by("id"):
        by_theme.setdefault(offer.theme_id, []).append(offer)
    (theme, offers), (_, others) = [(t, o) for t, o in by_theme.items() if len(o) >= 4][:2]
    councils = list(Council.objects.active().order_by("gss_code")[:6])
    for i, council in enumerate(councils):
        # Two offers of the same theme in one engagement: one engagement for the theme.
        EngagementFactory(
            council=council, adviser=adviser, date=D(2024, 1 + i, 5), offers=[offers[0], offers[1 + i % 3]]
        )
        EngagementFactory(council=council, adviser=adviser, date=D(2024, 6, 1 + i), offers=[others[i % 2]])
    EngagementFactory(
        council=councils[0], adviser=adviser, date=D(2024, 7, 1), status=EngagementStatus.CANCELLED, offers=[offers[3]]
    )
    engagement_archive(
        engagement=EngagementFactory(council=councils[1], adviser=adviser, date=D(2024, 7, 2), offers=[offers[3]]),
        user=None,
    )
    # Outside the period.
    EngagementFactory(council=councils[2], adviser=adviser, date=D(2025, 1, 2), offers=[offers[3]])
    start, end = D(2024, 1, 1), D(2024, 12, 31)

    summary = take_up_summary(start, end, top=2)

    themes = {row["theme_id"]: (row["councils"], row["engagements"]) for row in take_up_by_theme(start, end)}
    assert summary.themes == themes
    assert themes[theme] == (6, 6)  # hand count: six engagements, one per council, each with two of its offers
    rows = list(take_up_by_offer(start, end))
    expected_top: dict[int, list[tuple[int, int, int]]] = {}
    expected_count: dict[int, int] = {}
    theme_of = dict(Offer.objects.values_list("id", "theme_id"))
    for row in rows:
        expected_count[theme_of[row["offer_id"]]] = expected_count.get(theme_of[row["offer_id"]], 0) + 1
        top = expected_top.setdefault(theme_of[row["offer_id"]], [])
        if len(top) < 2:
            top.append((row["offer_id"], row["councils"], row["engagements"]))
    assert summary.top_offers == expected_top and summary.offers_taken_up == expected_count
    assert summary.top_offers[theme][0] == (offers[0].pk, 6, 6) and summary.offers_taken_up[theme] == 4


def test_coverage_queries_do_not_grow_with_periods_or_engagements(adviser, django_assert_num_queries):
    councils = list(Council.objects.active().order_by("gss_code")[:30])
    for i, council in enumerate(councils):
        EngagementFactory(council=council, adviser=adviser, date=D(2020 + i % 6, 1 + i % 12, 1))
    for period, by, queries in [("quarter", None, 1), ("month", "region", 2), ("month", "council_kind", 1)]:
        with django_assert_num_queries(queries):
            short = coverage(D(2024, 1, 1), D(2024, 3, 31), period=period, by=by)
        with django_assert_num_queries(queries):
            long = coverage(D(2015, 1, 1), D(2025, 12, 31), period=period, by=by)
        assert len(long) > len(short)
    assert sum(r.engaged for r in coverage(D(2020, 1, 1), D(2025, 12, 31), period="month")) == 30


def test_the_held_indexes_have_the_held_rule():
    """Queries written with held_condition can use the partial indexes only while the two agree."""
    indexes = {index.name: index for index in Engagement._meta.indexes}
    for name in ("engagement_held_council_idx", "engagement_held_date_idx"):
        assert indexes[name].condition == held_condition()
