"""Unmet needs across the sector: the support needs councils raised in a period and that no offer
has met since — the demand signal for the catalogue.

The definitions are the council profile's (``engagements.intelligence``): a council raised a need
when a held engagement with it recorded the theme; the need is met when the council (or, once it
was abolished, a council that succeeded it) took up an offer of the theme on or after the last day
in the period it was raised. Each council counts once per theme, in the region and kind it has.

Counted from the theme events with two index probes per council and theme (when the need was
last raised in the period, when an offer of it was last taken up), so the cost follows councils ×
themes, not the number of engagements. Aggregates only: no council is named.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Subquery

from engagements.models import Council, CouncilKind, Region, ThemeEvent, ThemeEventKind
from offers.models import Theme

GROUPINGS = ("region", "council_kind")


@dataclass(frozen=True)
class NeedFigure:
    """Councils that raised a theme in the period, and how many of those are still unmet."""

    theme: Theme
    group: str | None  # region slug or council kind; None for all councils
    group_label: str
    raised: int
    unmet: int

    @property
    def met(self) -> int:
        return self.raised - self.unmet

    @property
    def percent_unmet(self) -> int:
        return round(self.unmet * 100 / self.raised) if self.raised else 0


@dataclass(frozen=True)
class GroupTotal:
    group: str
    label: str
    raised: int
    unmet: int


@dataclass
class UnmetNeeds:
    start: datetime.date
    end: datetime.date
    by: str | None
    themes: list[NeedFigure]  # all councils, one per theme, most unmet first
    groups: list[tuple[str, str]]  # (key, label) of the groups, when split
    matrix: list[tuple[Theme, list[NeedFigure]]]  # per theme (in ``themes`` order), one figure per group
    group_totals: list[GroupTotal]  # needs raised and unmet per group, summed over themes

    @property
    def raised(self) -> int:
        return sum(f.raised for f in self.themes)

    @property
    def unmet(self) -> int:
        return sum(f.unmet for f in self.themes)

    def rows(self) -> list[NeedFigure]:
        """Flat figures, for CSV and the API: per theme, or per theme and group when split."""
        if self.by is None:
            return list(self.themes)
        return [figure for _, figures in self.matrix for figure in figures]


def _group_labels(by: str | None) -> list[tuple[str, str]]:
    if by == "region":
        return list(Region.objects.order_by("code").values_list("slug", "name"))
    if by == "council_kind":
        return list(CouncilKind.choices)
    return []


def _last(kind: str, theme_id: int, start: datetime.date, end: datetime.date | None) -> Subquery:
    events = ThemeEvent.objects.filter(council=OuterRef("pk"), theme_id=theme_id, kind=kind, date__gte=start)
    if end is not None:
        events = events.filter(date__lte=end)
    return Subquery(events.order_by("-date").values("date")[:1])


def unmet_needs(start: datetime.date, end: datetime.date, *, by: str | None = None) -> UnmetNeeds:
    """Needs raised from ``start`` to ``end`` and not met since, by theme and optionally by
    ``region`` or ``council_kind``. Four queries."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}")
    themes = list(Theme.objects.order_by("order", "name"))
    annotations = {}
    for theme in themes:
        annotations[f"raised_{theme.pk}"] = _last(ThemeEventKind.RAISED, theme.pk, start, end)
        # A take-up after the period still meets a need raised in it.
        annotations[f"taken_{theme.pk}"] = _last(ThemeEventKind.TAKEN_UP, theme.pk, start, None)
    councils = list(
        Council.objects.existing_during(start, end).values("pk", "kind", "region__slug").annotate(**annotations)
    )
    # A council abolished since: its successors' take-ups meet its needs too.
    successors: dict[int, list[int]] = {}
    for predecessor, successor in Council.successors.through.objects.filter(
        from_council_id__in=[c["pk"] for c in councils]
    ).values_list("from_council_id", "to_council_id"):
        successors.setdefault(predecessor, []).append(successor)
    taken_by_successor = {
        (row["council_id"], row["theme_id"]): row["last"]
        for row in ThemeEvent.objects.filter(
            kind=ThemeEventKind.TAKEN_UP,
            council_id__in={s for group in successors.values() for s in group},
            date__gte=start,
        )
        .values("council_id", "theme_id")
        .annotate(last=Max("date"))
        .order_by()
    }

    group_field = {"region": "region__slug", "council_kind": "kind"}.get(by or "")
    # Read per council and theme (councils × themes, thousands of times): the column names and
    # the themes' ids are worked out once, outside the loop.
    columns = [(theme.pk, f"raised_{theme.pk}", f"taken_{theme.pk}") for theme in themes]
    counts: dict[tuple[int, str | None], list[int]] = {}
    for council in councils:
        group = council[group_field] if group_field else None
        council_successors = successors.get(council["pk"], [])
        for theme_id, raised_column, taken_column in columns:
            raised_on = council[raised_column]
            if raised_on is None:
                continue
            taken = council[taken_column]
            met = taken is not None and taken >= raised_on
            if not met and council_successors:
                met = any(
                    day is not None and day >= raised_on
                    for day in (taken_by_successor.get((s, theme_id)) for s in council_successors)
                )
            for key in ((theme_id, None), (theme_id, group)) if group is not None else ((theme_id, None),):
                figures = counts.setdefault(key, [0, 0])
                figures[0] += 1
                figures[1] += 0 if met else 1

    def figure(theme: Theme, group: str | None, label: str) -> NeedFigure:
        raised, unmet = counts.get((theme.pk, group), (0, 0))
        return NeedFigure(theme, group, label, raised, unmet)

    overall = [figure(theme, None, "All councils") for theme in themes]
    overall.sort(key=lambda f: (-f.unmet, -f.raised, f.theme.order, f.theme.name))
    groups = _group_labels(by)
    matrix = [(f.theme, [figure(f.theme, key, label) for key, label in groups]) for f in overall]
    totals = [
        GroupTotal(
            key,
            label,
            sum(counts.get((t.pk, key), (0, 0))[0] for t in themes),
            sum(counts.get((t.pk, key), (0, 0))[1] for t in themes),
        )
        for key, label in groups
    ]
    return UnmetNeeds(start, end, by, overall, groups, matrix, totals)
