"""Reads about engagement that several pages and the API share: take-up of offers.

Everything is computed in the database; engagements count when they are held
(completed, not archived — see ``EngagementQuerySet.held``).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, QuerySet

from engagements.models import Engagement
from offers.models import Offer, Theme

EngagementOffer = Engagement.offers.through


def _held_links(start: datetime.date, end: datetime.date) -> QuerySet:
    """Engagement–offer links of engagements held between ``start`` and ``end`` inclusive."""
    return EngagementOffer.objects.filter(engagement__in=Engagement.objects.held().between(start, end))


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
    rows = list(take_up_by_offer(start, end, offers))
    by_id = Offer.objects.select_related("theme").in_bulk([row["offer_id"] for row in rows])
    return [(by_id[row["offer_id"]], row["councils"], row["engagements"]) for row in rows]


def themes_with_take_up(start: datetime.date, end: datetime.date) -> list[tuple[Theme, int, int]]:
    """(theme, councils, engagements) for every theme, zero where nothing was taken up: two queries."""
    rows = {row["theme_id"]: row for row in take_up_by_theme(start, end)}
    return [
        (theme, rows.get(theme.pk, {}).get("councils", 0), rows.get(theme.pk, {}).get("engagements", 0))
        for theme in Theme.objects.order_by("order")
    ]
