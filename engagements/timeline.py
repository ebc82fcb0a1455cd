"""Reads for a council's timeline in the workspace: its entries' links by name, and the offers it
took up, most recent first."""

from __future__ import annotations

from django.db.models import Count, Max, Window

from engagements.models import Council, Engagement, ThemeEvent, ThemeEventKind
from engagements.rows import LINK_NAMES, linked_values
from offers.models import Offer


def name_links(engagements: list[Engagement]) -> None:
    """Give each engagement ``roles_named``, ``offers_named`` and ``themes_named``: the names of
    what it links to, in three queries for the page, read as plain values (prefetching the
    relations built a model and a related manager for each)."""
    links = linked_values((engagement.pk for engagement in engagements), LINK_NAMES)
    for engagement in engagements:
        for name, by_engagement in links.items():
            setattr(engagement, f"{name}_named", by_engagement.get(engagement.pk, []))


# The council timeline lists this many offers taken up, most recent first.
OFFERS_TAKEN_UP_SHOWN = 20


def offers_taken_up_by_council(council: Council, *, limit: int = OFFERS_TAKEN_UP_SHOWN) -> tuple[list[dict], int]:
    """The ``limit`` offers the council most recently discussed or received in held engagements,
    and how many offers it took up in all.

    Two queries. The first groups the council's take-ups by offer from the theme events (one
    "taken up" row per held engagement and offer, with the engagement's council and date: one
    range of an index that holds every column it reads) and keeps the most recent ``limit``, the
    total as a window count. The second reads the names of those offers alone: joined before the
    grouping, the offers and their themes were read for every take-up, the whole catalogue hashed
    to do it. Offers last taken up on the same day are listed by title.
    """
    rows = list(
        ThemeEvent.objects.filter(council=council, kind=ThemeEventKind.TAKEN_UP)
        .values("offer_id")
        .annotate(
            engagements=Count("engagement_id", distinct=True),
            last_on=Max("date"),
            offers_in_all=Window(Count("*")),
        )
        .order_by("-last_on", "offer_id")[:limit]
    )
    if not rows:
        return [], 0
    names = {
        offer["id"]: offer
        for offer in Offer.objects.filter(pk__in=[row["offer_id"] for row in rows]).values(
            "id", "title", "slug", "theme__name"
        )
    }
    for row in rows:
        offer = names[row["offer_id"]]
        row.update(offer__title=offer["title"], offer__slug=offer["slug"], offer__theme__name=offer["theme__name"])
    rows.sort(key=lambda row: (-row["last_on"].toordinal(), row["offer__title"]))
    return rows, rows[0]["offers_in_all"]
