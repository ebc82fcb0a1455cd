"""Coverage as the coverage page shows it: overall, by group, and the table of both.

Built on ``metrics.selectors.coverage``. When every council belongs to exactly one group
(region, kind of council) the overall figures are the sums of the groups', so the
engagements are aggregated once; by kind of engagement a council can count in several
groups, so the overall figures are counted beside the kinds', from the same summary rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from metrics.selectors import CoverageRow, coverage, coverage_overall_and_by_kind


@dataclass
class CoverageGroup:
    key: str
    label: str
    rows: list[CoverageRow]  # one per period, oldest first


@dataclass
class CoverageBreakdown:
    overall: list[CoverageRow]
    groups: list[CoverageGroup]

    @property
    def matrix(self) -> list[list[CoverageRow]]:
        """One row per period, one cell per group (in the groups' order)."""
        return [list(cells) for cells in zip(*(g.rows for g in self.groups), strict=True)]


def sum_groups(rows: list[CoverageRow]) -> list[CoverageRow]:
    """Overall coverage per period from rows of a grouping that partitions the councils."""
    totals: dict = {}
    for row in rows:
        engaged, councils = totals.get(row.period, (0, 0))
        totals[row.period] = (engaged + row.engaged, councils + row.councils)
    return [
        CoverageRow(period, None, "All councils", engaged, councils) for period, (engaged, councils) in totals.items()
    ]


def coverage_breakdown(start: datetime.date, end: datetime.date, *, period: str, by: str | None) -> CoverageBreakdown:
    """Overall coverage per period and, with ``by``, per group."""
    if by is None:
        return CoverageBreakdown(coverage(start, end, period=period), [])
    if by == "engagement_kind":
        overall, grouped = coverage_overall_and_by_kind(start, end, period=period)
    else:
        # The other groupings (region, kind of council) partition the councils.
        grouped = coverage(start, end, period=period, by=by)
        overall = sum_groups(grouped)
    groups: dict[str, CoverageGroup] = {}
    for row in grouped:
        groups.setdefault(row.group, CoverageGroup(row.group, row.group_label, [])).rows.append(row)
    return CoverageBreakdown(overall, list(groups.values()))
