"""The monthly summaries (engagements by kind, take-up by offer and theme) stay equal to a recount
of the engagements through every way an engagement changes, and the figures read from them are
the figures counted from the engagements."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from engagements.models import (
    Council,
    Engagement,
    EngagementKind,
    EngagementStatus,
    KindSummary,
    SummaryPeriod,
    TakeUpMonth,
)
from engagements.services import engagement_archive, engagement_update, support_request_convert
from engagements.summaries import (
    month_split,
    refresh_summaries_for,
    summaries_add,
    summaries_out_of_step,
    summaries_rebuild,
    summaries_refresh,
)
from engagements.take_up import take_up_by_offer, take_up_by_theme, take_up_summary
from lga_portal.periods import period_start
from metrics.selectors import coverage
from offers.models import Offer, Theme
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def kinds(council, period=SummaryPeriod.MONTH):
    """The council's summary rows by kind: {(start, kind): engagements}."""
    rows = KindSummary.objects.filter(council=council, period=period)
    return {(row.start, row.kind): row.engagements for row in rows}


def take_up(council):
    """The council's take-up rows: {(month, theme slug, offer slug or None): engagements}."""
    rows = TakeUpMonth.objects.filter(council=council).select_related("theme", "offer")
    return {(row.month, row.theme.slug, row.offer.slug if row.offer else None): row.engagements for row in rows}


@pytest.fixture
def middlesbrough():
    return Council.objects.get(gss_code="E06000002")


@pytest.fixture
def workforce_offers():
    return list(Offer.objects.filter(theme__slug="workforce").order_by("slug")[:2])


def test_a_new_engagement_is_counted_in_its_month_and_quarter(alice, hartlepool, workforce_offers):
    first, second = workforce_offers
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 2, 3), offers=[first, second])
    EngagementFactory(
        council=hartlepool, adviser=alice.adviser, date=D(2025, 2, 20), kind=EngagementKind.VISIT, offers=[first]
    )
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 3, 1))
    assert kinds(hartlepool) == {
        (D(2025, 2, 1), "call"): 1,
        (D(2025, 2, 1), "visit"): 1,
        (D(2025, 3, 1), "call"): 1,
    }
    assert kinds(hartlepool, SummaryPeriod.QUARTER) == {(D(2025, 1, 1), "call"): 2, (D(2025, 1, 1), "visit"): 1}
    # The first offer was taken up twice in February, the second once; the theme by both
    # engagements (the one with two of its offers counts once).
    assert take_up(hartlepool) == {
        (D(2025, 2, 1), "workforce", first.slug): 2,
        (D(2025, 2, 1), "workforce", second.slug): 1,
        (D(2025, 2, 1), "workforce", None): 2,
    }
    assert summaries_out_of_step() == 0


def test_every_change_through_the_services_keeps_the_summaries_true(alice, hartlepool, middlesbrough, workforce_offers):
    first, second = workforce_offers
    leadership = Offer.objects.filter(theme__slug="leadership").order_by("slug").first()
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 3, 31), offers=[first])
    other = EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 3, 2), offers=[first])

    def update(**values):
        nonlocal engagement
        engagement = engagement_update(engagement=engagement, user=alice, version=engagement.version, **values)
        assert summaries_out_of_step() == 0

    update(date=D(2025, 4, 1))  # into the next month and quarter: both old and new are recounted
    assert kinds(hartlepool) == {(D(2025, 3, 1), "call"): 1, (D(2025, 4, 1), "call"): 1}
    assert kinds(hartlepool, SummaryPeriod.QUARTER) == {(D(2025, 1, 1), "call"): 1, (D(2025, 4, 1), "call"): 1}
    update(kind=EngagementKind.WORKSHOP)
    assert kinds(hartlepool)[(D(2025, 4, 1), "workshop")] == 1
    update(council=middlesbrough)
    assert kinds(hartlepool) == {(D(2025, 3, 1), "call"): 1}
    assert kinds(middlesbrough) == {(D(2025, 4, 1), "workshop"): 1}
    update(offers=[second, leadership])
    assert take_up(middlesbrough) == {
        (D(2025, 4, 1), "workforce", second.slug): 1,
        (D(2025, 4, 1), "workforce", None): 1,
        (D(2025, 4, 1), "leadership", leadership.slug): 1,
        (D(2025, 4, 1), "leadership", None): 1,
    }
    update(status=EngagementStatus.PLANNED)  # only held engagements count
    assert kinds(middlesbrough) == {} and take_up(middlesbrough) == {}
    update(status=EngagementStatus.COMPLETED)
    assert kinds(middlesbrough) == {(D(2025, 4, 1), "workshop"): 1}
    engagement_archive(engagement=engagement, user=alice)
    assert kinds(middlesbrough) == {} and take_up(middlesbrough) == {}
    assert summaries_out_of_step() == 0
    # A deletion (engagements are archived, but a clean-up through the ORM deletes) is uncounted.
    Engagement.objects.get(pk=other.pk).delete()
    assert kinds(hartlepool) == {} and take_up(hartlepool) == {}
    assert summaries_out_of_step() == 0


def test_a_converted_support_request_is_counted(alice, hartlepool):
    request = SupportRequestFactory(council=hartlepool)
    engagement = support_request_convert(request=request, user=alice)
    month = engagement.date.replace(day=1)
    assert take_up(hartlepool) == {
        (month, request.offer.theme.slug, request.offer.slug): 1,
        (month, request.offer.theme.slug, None): 1,
    }
    assert summaries_out_of_step() == 0


def test_an_offer_moved_to_another_theme_moves_its_take_up(alice, hartlepool, workforce_offers):
    first, second = workforce_offers
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 2, 3), offers=[first, second])
    first.theme = Theme.objects.get(slug="leadership")
    first.save()
    assert take_up(hartlepool) == {
        (D(2025, 2, 1), "leadership", first.slug): 1,
        (D(2025, 2, 1), "leadership", None): 1,
        (D(2025, 2, 1), "workforce", second.slug): 1,
        (D(2025, 2, 1), "workforce", None): 1,
    }
    assert summaries_out_of_step() == 0


def test_a_deleted_offer_leaves_the_take_up_of_its_theme(alice, hartlepool, workforce_offers):
    first, second = workforce_offers
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 2, 3), offers=[first])
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 2, 4), offers=[first, second])
    first.delete()
    assert take_up(hartlepool) == {
        (D(2025, 2, 1), "workforce", second.slug): 1,
        (D(2025, 2, 1), "workforce", None): 1,
    }
    assert summaries_out_of_step() == 0


def test_rows_written_around_the_services_are_counted_by_refresh_summaries_for(
    alice, hartlepool, middlesbrough, workforce_offers, django_assert_num_queries
):
    """A bulk insert (as a bulk CSV import does) brings the summaries up to date in a fixed number
    of queries, however many rows it wrote."""
    rows = [
        Engagement(
            council=council,
            adviser=alice.adviser,
            date=D(2024, month, 10),
            kind=EngagementKind.CALL,
            channel="phone",
            status=EngagementStatus.COMPLETED,
        )
        for council in (hartlepool, middlesbrough)
        for month in range(1, 13)
    ]
    created = Engagement.objects.bulk_create(rows)
    Engagement.offers.through.objects.bulk_create(
        Engagement.offers.through(engagement_id=e.pk, offer_id=workforce_offers[0].pk) for e in created
    )
    assert summaries_out_of_step() > 0
    with django_assert_num_queries(8):
        refresh_summaries_for([e.pk for e in created])
    assert summaries_out_of_step() == 0
    assert len(kinds(hartlepool)) == 12 and len(kinds(middlesbrough, SummaryPeriod.QUARTER)) == 4
    with django_assert_num_queries(8):
        refresh_summaries_for([created[0].pk])
    with django_assert_num_queries(0):
        refresh_summaries_for([])


def test_new_engagements_added_to_the_summaries_give_a_recount_in_four_queries(
    alice, hartlepool, middlesbrough, workforce_offers, django_assert_num_queries
):
    """``summaries_add`` (the bulk import's way) adds rows written around the services to the
    rows already there, and makes the rows of months nothing else was in: a recount's rows."""
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2024, 1, 3), offers=workforce_offers)
    rows = [
        Engagement(
            council=council,
            adviser=alice.adviser,
            date=D(2024, month, 10),
            kind=EngagementKind.CALL,
            channel="phone",
            status=EngagementStatus.PLANNED if month == 6 else EngagementStatus.COMPLETED,
        )
        for council in (hartlepool, middlesbrough)
        for month in range(1, 8)
    ]
    created = Engagement.objects.bulk_create(rows)
    Engagement.offers.through.objects.bulk_create(
        Engagement.offers.through(engagement_id=e.pk, offer_id=offer.pk)
        for e in created
        for offer in workforce_offers[: 1 + e.date.month % 2]
    )
    with django_assert_num_queries(4):
        summaries_add(e.pk for e in created)
    assert summaries_out_of_step() == 0
    assert kinds(hartlepool)[(D(2024, 1, 1), EngagementKind.CALL)] == 2
    assert take_up(hartlepool)[(D(2024, 1, 1), "workforce", None)] == 2
    with django_assert_num_queries(0):
        summaries_add([])


def test_a_refresh_is_seven_queries_whatever_the_number_of_council_months(
    alice, hartlepool, middlesbrough, django_assert_num_queries
):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 1, 5))
    with django_assert_num_queries(7):
        summaries_refresh({(hartlepool.pk, D(2025, 1, 1))})
    with django_assert_num_queries(7):
        summaries_refresh({(c.pk, D(2024, m, 1)) for c in (hartlepool, middlesbrough) for m in range(1, 13)})
    assert summaries_out_of_step() == 0


def test_check_fails_when_the_summaries_drift_and_rebuild_restores_them(alice, hartlepool, workforce_offers, capsys):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2025, 2, 3), offers=workforce_offers)
    call_command("rebuild_summaries", "--check")
    assert "agree with a recount" in capsys.readouterr().out
    # An update that went around the services (a drift a nightly job would never see).
    KindSummary.objects.filter(council=hartlepool).update(engagements=F("engagements") + 1)
    TakeUpMonth.objects.filter(offer__isnull=True).delete()
    with pytest.raises(CommandError, match="summary rows differ from a recount"):
        call_command("rebuild_summaries", "--check")
    call_command("rebuild_summaries")
    assert "rebuilt" in capsys.readouterr().out
    call_command("rebuild_summaries", "--check")
    assert summaries_rebuild() == KindSummary.objects.count() + TakeUpMonth.objects.count() == 2 + 3


@pytest.mark.parametrize(
    "start,end,first,last,edges",
    [
        (D(2024, 1, 1), D(2024, 12, 31), D(2024, 1, 1), D(2024, 12, 1), ()),
        (D(2024, 1, 15), D(2024, 3, 31), D(2024, 2, 1), D(2024, 3, 1), ((D(2024, 1, 15), D(2024, 1, 31)),)),
        (D(2024, 1, 1), D(2024, 3, 30), D(2024, 1, 1), D(2024, 2, 1), ((D(2024, 3, 1), D(2024, 3, 30)),)),
        (D(2024, 2, 3), D(2024, 2, 20), None, None, ((D(2024, 2, 3), D(2024, 2, 20)),)),
        (
            D(2024, 1, 31),
            D(2024, 3, 1),
            D(2024, 2, 1),
            D(2024, 2, 1),
            ((D(2024, 1, 31), D(2024, 1, 31)), (D(2024, 3, 1), D(2024, 3, 1))),
        ),
    ],
)
def test_a_period_is_its_whole_months_and_its_part_months(start, end, first, last, edges):
    split = month_split(start, end)
    assert (split.first, split.last, split.edges) == (first, last, edges)


def _by_kind_from_engagements(start, end, period):
    """Coverage by kind counted the slow way, engagement by engagement."""
    engaged = {}
    for e in Engagement.objects.held().between(start, end):
        engaged.setdefault((period_start(e.date, period), e.kind), set()).add(e.council_id)
    return {key: len(councils) for key, councils in engaged.items()}


@pytest.mark.parametrize(
    "start,end", [(D(2024, 1, 1), D(2024, 12, 31)), (D(2024, 1, 20), D(2024, 11, 10)), (D(2024, 5, 3), D(2024, 5, 29))]
)
@pytest.mark.parametrize("period", ["month", "quarter"])
def test_coverage_by_kind_from_the_summaries_is_the_count_of_engagements(alice, start, end, period):
    councils = list(Council.objects.filter(gss_code__in=["E06000001", "E06000002", "E06000003"]).order_by("pk"))
    kinds_used = [EngagementKind.CALL, EngagementKind.VISIT, EngagementKind.WORKSHOP]
    day = D(2023, 12, 28)
    for i in range(60):  # councils and kinds in every month, some twice, edges included
        day += datetime.timedelta(days=6)
        EngagementFactory(
            council=councils[i % 3],
            adviser=alice.adviser,
            date=min(day, D(2024, 12, 31)),
            kind=kinds_used[i % 2 + i % 3 // 2],
        )
    rows = coverage(start, end, period=period, by="engagement_kind")
    figures = {(period_start(r.period.start, period), r.group): r.engaged for r in rows if r.engaged}
    assert figures == _by_kind_from_engagements(start, end, period)


def test_the_take_up_summary_from_the_summaries_is_the_take_up_of_engagements(alice, workforce_offers):
    leadership = Offer.objects.filter(theme__slug="leadership").order_by("slug").first()
    councils = list(Council.objects.filter(gss_code__in=["E06000001", "E06000002", "E06000003"]).order_by("pk"))
    offer_sets = [[workforce_offers[0]], workforce_offers, [leadership], [workforce_offers[1], leadership]]
    day = D(2024, 1, 1)
    for i in range(40):
        day += datetime.timedelta(days=8)
        EngagementFactory(council=councils[i % 3], adviser=alice.adviser, date=day, offers=offer_sets[i % 4])
    for start, end in [
        (D(2024, 1, 1), D(2024, 12, 31)),
        (D(2024, 2, 14), D(2024, 7, 3)),
        (D(2024, 3, 5), D(2024, 3, 25)),
    ]:
        summary = take_up_summary(start, end, top=10)
        assert summary.themes == {
            r["theme_id"]: (r["councils"], r["engagements"]) for r in take_up_by_theme(start, end)
        }
        expected = {}
        for r in take_up_by_offer(start, end):
            expected.setdefault(Offer.objects.get(pk=r["offer_id"]).theme_id, []).append(
                (r["offer_id"], r["councils"], r["engagements"])
            )
        assert summary.top_offers == expected
