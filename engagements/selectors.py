"""Reads about engagement that several pages and the API share: take-up of offers, and the
adviser workspace's dashboard, follow-ups, council timeline and engagement history.

Everything is computed in the database; engagements count when they are held
(completed, not archived — see ``EngagementQuerySet.held``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce

from engagements.models import (
    Council,
    Engagement,
    EngagementStatus,
    SupportRequest,
    SupportRequestStatus,
    held_condition,
)
from offers.models import Offer, Theme

EngagementOffer = Engagement.offers.through


def _held_links(start: datetime.date, end: datetime.date) -> QuerySet:
    """Engagement–offer links of engagements held between ``start`` and ``end`` inclusive.

    Joined to their engagements (not ``engagement__in`` a subquery), so the database reads the
    period's held engagements from the (date, council, id) index and hashes them once.
    """
    return EngagementOffer.objects.filter(
        held_condition("engagement__"), engagement__date__gte=start, engagement__date__lte=end
    )


def includes_demo(start: datetime.date, end: datetime.date) -> bool:
    """Whether the engagements held in the period, which take-up and coverage count, include demo ones."""
    return Engagement.objects.held().between(start, end).demo().exists()


def offer_take_up(offer: Offer, start: datetime.date, end: datetime.date) -> int:
    """How many distinct councils took up (discussed or received) ``offer`` in the period."""
    return _held_links(start, end).filter(offer=offer).values("engagement__council_id").distinct().count()


def take_up_by_offer(start: datetime.date, end: datetime.date, offers: QuerySet | None = None) -> QuerySet:
    """Rows ``{offer_id, councils, engagements}`` for every offer taken up in the period."""
    links = _held_links(start, end)
    if offers is not None:
        links = links.filter(offer__in=offers)
    return (
        links.values("offer_id")
        .annotate(
            councils=Count("engagement__council_id", distinct=True), engagements=Count("engagement_id", distinct=True)
        )
        .order_by("-councils", "offer_id")
    )


def take_up_by_theme(start: datetime.date, end: datetime.date) -> QuerySet:
    """Rows ``{theme_id, councils, engagements}``: distinct councils taking up any offer of each theme."""
    return (
        _held_links(start, end)
        .values(theme_id=F("offer__theme_id"))
        .annotate(
            councils=Count("engagement__council_id", distinct=True), engagements=Count("engagement_id", distinct=True)
        )
        .order_by("-councils", "theme_id")
    )


def offers_with_take_up(
    start: datetime.date, end: datetime.date, offers: QuerySet | None = None
) -> list[tuple[Offer, int, int]]:
    """(offer, councils, engagements) for offers taken up in the period, most councils first: two queries."""
    return with_offers(take_up_by_offer(start, end, offers))


def with_offers(rows) -> list[tuple[Offer, int, int]]:
    """Take-up rows (e.g. one page of ``take_up_by_offer``) as (offer, councils, engagements): one query."""
    rows = list(rows)
    by_id = Offer.objects.select_related("theme").in_bulk([row["offer_id"] for row in rows])
    return [(by_id[row["offer_id"]], row["councils"], row["engagements"]) for row in rows]


def themes_with_take_up(start: datetime.date, end: datetime.date) -> list[tuple[Theme, int, int]]:
    """(theme, councils, engagements) for every theme, zero where nothing was taken up: two queries."""
    rows = {row["theme_id"]: row for row in take_up_by_theme(start, end)}
    return [
        (theme, rows.get(theme.pk, {}).get("councils", 0), rows.get(theme.pk, {}).get("engagements", 0))
        for theme in Theme.objects.order_by("order")
    ]


@dataclass(frozen=True)
class TakeUpSummary:
    """Take-up in a period by theme, with each theme's offers taken up by most councils."""

    # theme id -> (distinct councils, distinct engagements), for themes with any take-up
    themes: dict[int, tuple[int, int]]
    # theme id -> [(offer id, councils, engagements)], most councils first, at most ``top`` of them
    top_offers: dict[int, list[tuple[int, int, int]]]
    # theme id -> how many of its offers were taken up at all
    offers_taken_up: dict[int, int]


# One pass over the period's engagement–offer links for both the themes' and the offers' figures:
# reading and joining the links is nearly all the cost, so it is done once (the CTE is referenced
# twice, so the database computes it once). A link is unique per engagement and offer, so an
# offer's engagements are its links.
_TAKE_UP_SUMMARY_SQL = """
WITH links AS ({links}),
offers AS (
    SELECT link_theme, link_offer, COUNT(DISTINCT link_council) AS councils, COUNT(*) AS engagements,
        ROW_NUMBER() OVER (
            PARTITION BY link_theme ORDER BY COUNT(DISTINCT link_council) DESC, link_offer
        ) AS place,
        COUNT(*) OVER (PARTITION BY link_theme) AS taken_up
    FROM links GROUP BY link_theme, link_offer
)
SELECT link_theme, link_offer, councils, engagements, taken_up FROM offers WHERE place <= %s
UNION ALL
SELECT link_theme, NULL, COUNT(DISTINCT link_council), COUNT(DISTINCT link_engagement), NULL
FROM links GROUP BY link_theme
"""


def take_up_summary(start: datetime.date, end: datetime.date, *, top: int) -> TakeUpSummary:
    """Take-up by theme and each theme's ``top`` offers, in one query.

    The same figures as ``take_up_by_theme`` and ``take_up_by_offer`` (ties broken by offer
    id, as there), for a report that shows every theme but only its leading offers.
    """
    links = (
        _held_links(start, end)
        .values(
            link_theme=F("offer__theme_id"),
            link_offer=F("offer_id"),
            link_council=F("engagement__council_id"),
            link_engagement=F("engagement_id"),
        )
        .order_by()
    )
    links_sql, links_params = links.query.sql_with_params()
    themes: dict[int, tuple[int, int]] = {}
    top_offers: dict[int, list[tuple[int, int, int]]] = {}
    offers_taken_up: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_UP_SUMMARY_SQL.format(links=links_sql), (*links_params, top))
        rows = cursor.fetchall()
    for theme_id, offer_id, councils, engagements, taken_up in rows:
        if offer_id is None:
            themes[theme_id] = (int(councils), int(engagements))
        else:
            top_offers.setdefault(theme_id, []).append((offer_id, int(councils), int(engagements)))
            offers_taken_up[theme_id] = int(taken_up)
    for offers in top_offers.values():
        offers.sort(key=lambda row: (-row[1], row[0]))
    return TakeUpSummary(themes, top_offers, offers_taken_up)


# --- The adviser workspace: dashboard, follow-ups, council timeline, engagement history ---------


@dataclass(frozen=True)
class Quarter:
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"

    def previous(self) -> Quarter:
        return quarter_of(self.start - datetime.timedelta(days=1))


def quarter_of(day: datetime.date) -> Quarter:
    """The calendar quarter containing ``day``."""
    start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    month = start.month + 3
    following = datetime.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return Quarter(start, following - datetime.timedelta(days=1))


@dataclass(frozen=True)
class Coverage:
    """Councils with a held engagement in a period, out of those that existed in it."""

    quarter: Quarter
    engaged: int
    councils: int

    @property
    def percent(self) -> int:
        return round(self.engaged * 100 / self.councils) if self.councils else 0


# Sort keys of the dashboard table: query-string value -> ordering expression(s), ascending.
DASHBOARD_SORTS = {
    "council": ["name"],
    "region": ["region__name", "name"],
    "adviser": ["adviser__name", "name"],
    "last": ["last_engaged_on", "name"],
    "quarter": ["engaged_this_quarter", "name"],
    "follow_ups": ["open_follow_ups", "name"],
    "requests": ["new_requests", "name"],
}
DASHBOARD_DEFAULT_SORT = "last"


def _count(queryset: QuerySet) -> Subquery:
    """A correlated COUNT(*) of ``queryset`` (already filtered on OuterRef) as an integer."""
    return Coalesce(
        Subquery(queryset.order_by().values("council_id").annotate(n=Count("*")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def dashboard_councils(
    councils: QuerySet, *, today: datetime.date, sort: str = DASHBOARD_DEFAULT_SORT, descending: bool = False
) -> list[Council]:
    """The dashboard table in one query: each council with its last held engagement,
    whether it was engaged this quarter and last, its open follow-ups and new requests.

    Every figure is a correlated subquery that the (council, date) indexes answer, so the
    cost follows the number of councils shown, not the number of engagements.
    """
    this_quarter = quarter_of(today)
    last_quarter = this_quarter.previous()
    held = Engagement.objects.held().filter(council=OuterRef("pk"))
    open_follow_ups = (
        Engagement.objects.live()
        .filter(council=OuterRef("pk"), follow_up_done=False, follow_up_on__isnull=False)
        .exclude(status=EngagementStatus.CANCELLED)
    )
    new_requests = SupportRequest.objects.filter(council=OuterRef("pk"), status=SupportRequestStatus.NEW)
    rows = (
        councils.existing_during(last_quarter.start, this_quarter.end)
        .select_related("region", "adviser")
        .annotate(
            last_engaged_on=Subquery(held.filter(date__lte=today).order_by("-date").values("date")[:1]),
            engaged_this_quarter=Exists(held.between(this_quarter.start, this_quarter.end)),
            engaged_last_quarter=Exists(held.between(last_quarter.start, last_quarter.end)),
            open_follow_ups=_count(open_follow_ups),
            new_requests=_count(new_requests),
        )
    )
    ordering = []
    for name in DASHBOARD_SORTS.get(sort, DASHBOARD_SORTS[DASHBOARD_DEFAULT_SORT]):
        expression = F(name)
        # Never-engaged councils come first when oldest-first: they need attention most.
        nulls = {"nulls_first": True} if not descending else {"nulls_last": True}
        ordering.append(expression.desc(**nulls) if descending and name != "name" else expression.asc(**nulls))
    rows = list(rows.order_by(*ordering))
    for council in rows:
        council.days_since = (today - council.last_engaged_on).days if council.last_engaged_on else None
    return rows


def dashboard_coverage(rows: list[Council], *, today: datetime.date) -> tuple[Coverage, Coverage]:
    """Coverage this quarter and last, from the rows ``dashboard_councils`` gave: no query."""
    this_quarter = quarter_of(today)
    last_quarter = this_quarter.previous()
    result = []
    for quarter, flag in ((this_quarter, "engaged_this_quarter"), (last_quarter, "engaged_last_quarter")):
        existing = [c for c in rows if c.existed_during(quarter.start, quarter.end)]
        result.append(Coverage(quarter, sum(1 for c in existing if getattr(c, flag)), len(existing)))
    return result[0], result[1]


FOLLOW_UP_WINDOW_DAYS = 14
# A follow-up overdue by more than this many days is "long overdue": still open, but no longer
# what needs doing this week, so the dashboard counts those instead of listing them first.
RECENTLY_OVERDUE_DAYS = 28


def _open_follow_ups(engagements: QuerySet) -> QuerySet:
    return (
        engagements.live()
        .filter(follow_up_done=False, follow_up_on__isnull=False)
        .exclude(status=EngagementStatus.CANCELLED)
    )


def follow_ups_due(
    engagements: QuerySet,
    *,
    today: datetime.date,
    within_days: int = FOLLOW_UP_WINDOW_DAYS,
    overdue_days: int = RECENTLY_OVERDUE_DAYS,
) -> QuerySet:
    """Open follow-ups that need action: overdue by up to ``overdue_days``, then those due
    within ``within_days``, most overdue first (long-overdue ones: ``long_overdue_follow_ups``)."""
    return (
        _open_follow_ups(engagements)
        .filter(
            follow_up_on__gte=today - datetime.timedelta(days=overdue_days),
            follow_up_on__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("council", "adviser")
        .order_by("follow_up_on", "id")
    )


def long_overdue_follow_ups(
    engagements: QuerySet, *, today: datetime.date, overdue_days: int = RECENTLY_OVERDUE_DAYS
) -> QuerySet:
    """Open follow-ups overdue by more than ``overdue_days``."""
    return _open_follow_ups(engagements).filter(follow_up_on__lt=today - datetime.timedelta(days=overdue_days))


# The council timeline lists this many offers taken up, most recent first.
OFFERS_TAKEN_UP_SHOWN = 20


def offers_taken_up_by_council(council: Council, *, limit: int = OFFERS_TAKEN_UP_SHOWN) -> tuple[list[dict], int]:
    """The ``limit`` offers the council most recently discussed or received in held engagements,
    and how many offers it took up in all: one grouped query (the total is a window count)."""
    rows = list(
        EngagementOffer.objects.filter(held_condition("engagement__"), engagement__council=council)
        .values("offer_id", "offer__title", "offer__slug", "offer__theme__name")
        .annotate(
            engagements=Count("engagement_id", distinct=True),
            last_on=Max("engagement__date"),
            offers_in_all=Window(Count("*")),
        )
        .order_by("-last_on", "offer__title")[:limit]
    )
    return rows, rows[0]["offers_in_all"] if rows else 0
