"""Reads for a council's timeline in the workspace: the offers it took up, most recent first."""

from __future__ import annotations

from django.db.models import Count, Max, Window

from engagements.models import Council, ThemeEvent, ThemeEventKind

# The council timeline lists this many offers taken up, most recent first.
OFFERS_TAKEN_UP_SHOWN = 20


def offers_taken_up_by_council(council: Council, *, limit: int = OFFERS_TAKEN_UP_SHOWN) -> tuple[list[dict], int]:
    """The ``limit`` offers the council most recently discussed or received in held engagements,
    and how many offers it took up in all: one grouped query (the total is a window count).

    Read from the theme events, which hold one "taken up" row per held engagement and offer with
    the engagement's council and date: one index range of the council's take-ups, where joining
    its engagements to their offers visited every engagement it ever had.
    """
    rows = list(
        ThemeEvent.objects.filter(council=council, kind=ThemeEventKind.TAKEN_UP)
        .values("offer_id", "offer__title", "offer__slug", "offer__theme__name")
        .annotate(
            engagements=Count("engagement_id", distinct=True),
            last_on=Max("date"),
            offers_in_all=Window(Count("*")),
        )
        .order_by("-last_on", "offer__title")[:limit]
    )
    return rows, rows[0]["offers_in_all"] if rows else 0
