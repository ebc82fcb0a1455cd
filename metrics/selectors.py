"""Derived statistics: engagement coverage of councils over time, and survey trends.

Coverage for a period is the number of distinct councils with at least one held
engagement (completed, not archived) in the period, divided by the number of councils
that existed at some point in the period. A council abolished in April 2023 therefore
counts in the periods before its abolition and not after; its successor counts from its
establishment. Both are counted by the database over the register (a few hundred rows): a
council was engaged in a period when one probe of the held-engagements index finds an
engagement, so the cost does not grow with the number of engagements.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter

from engagements.models import (
    Council,
    CouncilKind,
    Engagement,
    EngagementKind,
    KindSummary,
    Region,
    SummaryPeriod,
    existed_during_condition,
)
from engagements.summaries import as_date, month_split, union_all
from lga_portal.periods import PERIODS, Period, next_period_start, period_start, periods_between
from metrics.models import Measure, Survey, SurveyRound
from metrics.surveys import survey_table

GROUPINGS = ("region", "council_kind", "engagement_kind")

_TRUNC = {"month": TruncMonth, "quarter": TruncQuarter}
_COUNCIL_GROUP_FIELD = {"region": "region__slug", "council_kind": "kind"}


@dataclass(frozen=True)
class CoverageRow:
    period: Period
    group: str | None  # region slug, council kind or engagement kind; None for overall
    group_label: str
    engaged: int
    councils: int

    @property
    def percent(self) -> Decimal:
        if not self.councils:
            return Decimal("0.0")
        return (Decimal(self.engaged) * 100 / Decimal(self.councils)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _group_labels(by: str | None) -> dict[str | None, str]:
    if by is None:
        return {None: "All councils"}
    if by == "region":
        return dict(Region.objects.order_by("code").values_list("slug", "name"))
    if by == "council_kind":
        return dict(CouncilKind.choices)
    return dict(EngagementKind.choices)


def engaged_between(start: datetime.date, end: datetime.date) -> Exists:
    """For a council queryset: whether the council had a held engagement from ``start`` to ``end``.

    One probe of the held-engagements index (council, date) per council, however many
    engagements there are.
    """
    return Exists(Engagement.objects.held().filter(council=OuterRef("pk")).between(start, end))


def _engaged_by_kind(
    periods: list[Period], period: str, councils: QuerySet | None, *, overall: bool = False
) -> dict[tuple[datetime.date, str | None], int]:
    """Distinct councils per (period start, engagement kind), in one query.

    A whole month or quarter is one summary row (``KindSummary``) per council and kind, so its
    councils are counted rows. The first and last periods may be clipped to the dates asked for:
    their councils are counted, distinct, from the summary's whole months within them and the
    engagements of their part-months.

    With ``overall`` the same query also counts, under the kind ``None``, the councils engaged
    in any way: those with a summary row of any kind (rows are only kept for held engagements).
    That is the overall coverage, read from the rows already being read instead of probing the
    engagements once per council and period.
    """
    whole, clipped = [], []
    for p in periods:
        first = period_start(p.start, period)
        is_whole = p.start == first and p.end == next_period_start(first, period) - datetime.timedelta(days=1)
        (whole if is_whole else clipped).append(p)
    summary = KindSummary.objects.all() if councils is None else KindSummary.objects.filter(council__in=councils)
    edges = Engagement.objects.held().order_by()
    if councils is not None:
        edges = edges.filter(council__in=councils)
    parts: list[tuple[str, tuple]] = []
    if whole:
        counted = (
            summary.filter(period=period, start__gte=whole[0].start, start__lte=whole[-1].start)
            .values(s_bucket=F("start"), s_kind=F("kind"))
            .annotate(s_councils=Count("*"))
            .order_by()
        )
        sql, params = counted.query.sql_with_params()
        parts.append((sql, tuple(params)))
        if overall:
            # One row per council and period from the (period, start, council, kind) unique
            # index, already in order: distinct without a sort.
            engaged = (
                summary.filter(period=period, start__gte=whole[0].start, start__lte=whole[-1].start)
                .values(s_bucket=F("start"), s_council=F("council_id"))
                .distinct()
                .order_by()
            )
            sql, params = engaged.query.sql_with_params()
            parts.append((f"SELECT s_bucket, NULL, COUNT(*) FROM ({sql}) AS engaged GROUP BY s_bucket", tuple(params)))
    if clipped:
        months, part_months = Q(pk__in=[]), Q(pk__in=[])
        for p in clipped:
            split = month_split(p.start, p.end)
            if split.first is not None:
                months |= Q(period=SummaryPeriod.MONTH, start__gte=split.first, start__lte=split.last)
            part_months |= split.edge_condition()
        trunc = _TRUNC[period]
        rows, params = union_all(
            summary.filter(months).values(
                s_bucket=trunc("start", output_field=DateField()), s_kind=F("kind"), s_council=F("council_id")
            ),
            edges.filter(part_months).values(
                s_bucket=trunc("date", output_field=DateField()), s_kind=F("kind"), s_council=F("council_id")
            ),
        )
        parts.append(
            (
                "SELECT s_bucket, s_kind, COUNT(DISTINCT s_council) AS s_councils "
                f"FROM ({rows}) AS clipped GROUP BY s_bucket, s_kind",
                params,
            )
        )
        if overall:
            parts.append(
                (
                    f"SELECT s_bucket, NULL, COUNT(DISTINCT s_council) FROM ({rows}) AS clipped GROUP BY s_bucket",
                    params,
                )
            )
    if not parts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql for sql, _ in parts), tuple(p for _, ps in parts for p in ps))
        return {(as_date(bucket), kind): n for bucket, kind, n in cursor.fetchall()}


def _existing_counts(periods: list[Period]) -> dict[str, Count]:
    """Per period, an aggregate of the councils that existed in it."""
    return {
        f"councils_{i}": Count("pk", filter=existed_during_condition(p.start, p.end)) for i, p in enumerate(periods)
    }


def _kind_coverage(
    periods: list[Period],
    period: str,
    register: QuerySet,
    councils: QuerySet | None,
    labels: dict[str | None, str],
    *,
    overall: bool,
) -> tuple[list[CoverageRow], list[CoverageRow]]:
    """(overall rows, rows by kind of engagement) from the summaries, in two queries; the overall
    rows are empty unless ``overall`` is asked for."""
    engaged = _engaged_by_kind(periods, period, councils, overall=overall)
    existing = register.aggregate(**_existing_counts(periods))
    whole: list[CoverageRow] = []
    by_kind: list[CoverageRow] = []
    for i, p in enumerate(periods):
        bucket = period_start(p.start, period)
        if overall:
            whole.append(
                CoverageRow(p, None, "All councils", engaged.get((bucket, None), 0), existing[f"councils_{i}"])
            )
        for group, label in labels.items():
            by_kind.append(CoverageRow(p, group, label, engaged.get((bucket, group), 0), existing[f"councils_{i}"]))
    return whole, by_kind


def coverage_overall_and_by_kind(
    start: datetime.date, end: datetime.date, *, period: str = "quarter"
) -> tuple[list[CoverageRow], list[CoverageRow]]:
    """Coverage overall and by kind of engagement, per period, oldest first, in two queries.

    The same rows as ``coverage(start, end, period=period)`` and ``coverage(…,
    by="engagement_kind")``; the overall figures are counted from the summary rows the kinds
    are counted from (a council with a row of any kind was engaged), so a page showing both
    reads them once instead of also probing the engagements per council and period.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    periods = periods_between(start, end, period)
    return _kind_coverage(periods, period, Council.objects.all(), None, _group_labels("engagement_kind"), overall=True)


def coverage(
    start: datetime.date,
    end: datetime.date,
    *,
    period: str = "quarter",
    by: str | None = None,
    councils: QuerySet | None = None,
) -> list[CoverageRow]:
    """Coverage per period (and per group when ``by`` is given), oldest first.

    ``councils`` restricts both the engaged councils and the denominator (e.g. to one
    adviser's councils). With ``by="engagement_kind"`` the denominator of every group is
    all councils: the share of councils reached through that kind of engagement.

    Overall, by region and by kind of council: one query over the register counts, per period
    (and group), the councils that existed and those engaged (``engaged_between``: one index
    probe per council and period), so the cost follows the number of councils and periods,
    not of engagements. By kind of engagement a council can count in several groups, so the
    councils are counted from the summary of held engagements by council, kind and month or
    quarter instead (``KindSummary``: one more query, whose cost follows councils × periods ×
    kinds, plus the engagements of any part-months at the period's edges).
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}")
    periods = periods_between(start, end, period)
    register = Council.objects.all() if councils is None else councils
    labels = _group_labels(by)
    # Per period: how many councils existed in it and, except by kind of engagement, how many
    # of them were engaged, counted by the database over the register.
    counts = _existing_counts(periods)
    if by == "engagement_kind":
        return _kind_coverage(periods, period, register, councils, labels, overall=False)[1]

    out: list[CoverageRow] = []
    counts.update({f"engaged_{i}": Count("pk", filter=engaged_between(p.start, p.end)) for i, p in enumerate(periods)})
    if by is None:
        figures = {None: register.aggregate(**counts)}
    else:
        group_field = _COUNCIL_GROUP_FIELD[by]
        figures = {row[group_field]: row for row in register.values(group_field).annotate(**counts).order_by()}
    for i, p in enumerate(periods):
        for group, label in labels.items():
            row = figures.get(group, {})
            out.append(CoverageRow(p, group, label, row.get(f"engaged_{i}", 0), row.get(f"councils_{i}", 0)))
    return out


def councils_not_engaged(start: datetime.date, end: datetime.date, councils: QuerySet | None = None) -> QuerySet:
    """Councils that existed during the period but had no held engagement in it."""
    register = Council.objects.all() if councils is None else councils
    return register.existing_during(start, end).filter(~engaged_between(start, end)).select_related("region", "adviser")


@dataclass(frozen=True)
class SurveyTrendRow:
    measure: Measure
    round: SurveyRound
    percent: Decimal
    # Percentage points since the measure's previous published figure; None for its first.
    change_from_previous: Decimal | None


def survey_trends(survey: Survey) -> list[SurveyTrendRow]:
    """Each measure's figure in each round, with the percentage-point change from the previous round,
    as flat rows (for the API and CSV).

    The figures are the survey pages' own (``metrics.surveys.survey_table``): measure by measure
    in the survey's order, rounds oldest first; a round in which a measure was not asked has no
    row, and the next figure is compared with the last one published. Three queries.
    """
    table = survey_table(survey)
    return [
        SurveyTrendRow(row.measure, figure.round, figure.percent, figure.change_from_previous)
        for row in table.rows
        for figure in row.figures
        if figure.percent is not None
    ]
