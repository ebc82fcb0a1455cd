"""Take-up of offers: how many councils discussed or received each offer, and each theme's
offers, in a period — for the metrics pages, the highlights report and the API's statistics.

Everything is computed in the database; engagements count when they are held
(completed, not archived — see ``EngagementQuerySet.held``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, IntegerField, QuerySet, Value

from engagements.models import Engagement, TakeUpMonth, held_condition
from engagements.summaries import month_split, union_all
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


# The themes' and the offers' figures from one pass over the period's take-up: its whole months
# from the monthly summary (``TakeUpMonth``: one row per council, month and offer or theme), its
# part-months from the engagement–offer links. Offers are ranked by a window function. A council
# counts once per offer or theme however many months it took it up in; engagements are summed,
# since each is in one month.
_TAKE_UP_SUMMARY_SQL = """
WITH offer_rows AS ({offer_rows}),
theme_rows AS ({theme_rows}),
offers AS (
    SELECT s_theme, s_offer, COUNT(DISTINCT s_council) AS councils, SUM(s_engagements) AS engagements,
        ROW_NUMBER() OVER (
            PARTITION BY s_theme ORDER BY COUNT(DISTINCT s_council) DESC, s_offer
        ) AS place,
        COUNT(*) OVER (PARTITION BY s_theme) AS taken_up
    FROM offer_rows GROUP BY s_theme, s_offer
)
SELECT s_theme, s_offer, councils, engagements, taken_up FROM offers WHERE place <= %s
UNION ALL
SELECT s_theme, NULL, COUNT(DISTINCT s_council), SUM(s_engagements), NULL
FROM theme_rows GROUP BY s_theme
"""


def take_up_summary(start: datetime.date, end: datetime.date, *, top: int) -> TakeUpSummary:
    """Take-up by theme and each theme's ``top`` offers, in one query.

    The same figures as ``take_up_by_theme`` and ``take_up_by_offer`` (ties broken by offer
    id, as there), for a report that shows every theme but only its leading offers. Its cost
    follows the period's councils × months × offers taken up, not the engagements behind them.
    """
    split = month_split(start, end)
    months = TakeUpMonth.objects.filter(split.month_condition())
    # One member per part-month, each a plain date range the held-engagements index answers.
    part_months = [_held_links(edge_start, edge_end) for edge_start, edge_end in split.edges]
    one = Value(1, output_field=IntegerField())
    try:
        offer_rows = union_all(
            months.filter(offer__isnull=False).values(
                s_theme=F("theme_id"), s_offer=F("offer_id"), s_council=F("council_id"), s_engagements=F("engagements")
            ),
            # A link is unique per engagement and offer, so each is one engagement of its offer.
            *(
                links.values(
                    s_theme=F("offer__theme_id"),
                    s_offer=F("offer_id"),
                    s_council=F("engagement__council_id"),
                    s_engagements=one,
                ).order_by()
                for links in part_months
            ),
        )
        theme_rows = union_all(
            months.filter(offer__isnull=True).values(
                s_theme=F("theme_id"), s_council=F("council_id"), s_engagements=F("engagements")
            ),
            *(
                links.values(s_theme=F("offer__theme_id"), s_council=F("engagement__council_id"))
                .annotate(s_engagements=Count("engagement_id", distinct=True))
                .order_by()
                for links in part_months
            ),
        )
    except EmptyResultSet:  # an empty period
        return TakeUpSummary({}, {}, {})
    themes: dict[int, tuple[int, int]] = {}
    top_offers: dict[int, list[tuple[int, int, int]]] = {}
    offers_taken_up: dict[int, int] = {}
    sql = _TAKE_UP_SUMMARY_SQL.format(offer_rows=offer_rows[0], theme_rows=theme_rows[0])
    with connection.cursor() as cursor:
        cursor.execute(sql, (*offer_rows[1], *theme_rows[1], top))
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
