"""Open follow-ups: those that need action soon (the dashboard, the calendar feed, the digests,
the workspace filter) and those long overdue."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from engagements.models import EngagementStatus

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
