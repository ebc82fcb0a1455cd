"""The adviser workspace's dashboard table: each council with its last held engagement, whether
it was engaged this quarter and last, its open follow-ups and new support requests; and the
quarter's coverage drawn from the same rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from engagements.models import Council, Engagement, EngagementStatus, SupportRequest, SupportRequestStatus
from lga_portal.periods import Quarter, quarter_of


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
    "region": ["region_name", "name"],
    "adviser": ["adviser_name", "name"],
    "last": ["last_engaged_on", "name"],
    "quarter": ["engaged_this_quarter", "name"],
    "follow_ups": ["open_follow_ups", "name"],
    "requests": ["new_requests", "name"],
}
DASHBOARD_DEFAULT_SORT = "last"
# The council fields the dashboard table, the coverage (``existed_during``) and the digests read;
# its region's and adviser's names come as ``region_name`` and ``adviser_name``.
DASHBOARD_FIELDS = ("name", "slug", "is_active", "established_on", "abolished_on")


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
        # Only what the table and the coverage use: building a few hundred full councils, regions
        # and advisers was most of the page's time, and the region's and adviser's names alone,
        # as values, cost a third of building each council's region and adviser.
        .only(*DASHBOARD_FIELDS)
        .annotate(
            region_name=F("region__name"),
            adviser_name=F("adviser__name"),
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
