"""What the follow-up reminders and the digests say, and who gets them. Reads only: the
emails are composed and queued in ``engagements.notifications``.

Everyone who may hear from the portal is a ``Recipient``: an active user with an email
address who is an active principal adviser, or a manager. A deactivated adviser (or user)
gets nothing; a manager's digest covers the region of their adviser record, if it names
one, else every council.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from engagements import intelligence, permissions
from engagements.models import (
    Adviser,
    Council,
    DigestFrequency,
    Engagement,
    NotificationPreference,
    Region,
    SupportRequest,
)
from engagements.selectors import Quarter, dashboard_councils, follow_ups_due, long_overdue_follow_ups, quarter_of
from offers.models import Offer

# A reminder lists the follow-ups overdue by up to this many days; older ones are counted.
REMINDER_OVERDUE_DAYS = 30
# A council has gone quiet when it has had no engagement for this many days (as on the dashboard).
QUIET_DAYS = intelligence.QUIET_DAYS
# The quietest councils each come with a few suggested offers to take to them (their profile has the rest).
SUGGESTIONS_FOR_QUIETEST = 3
SUGGESTIONS_EACH = 2
# The digest's "this week": the day it is sent and the six after.
DIGEST_WEEK_DAYS = 7
# Offers created or changed this many days before the digest are news.
CATALOGUE_NEWS_DAYS = 7
# Each list in a digest shows this many items, then says how many more there are.
DIGEST_LIST_LIMIT = 10


@dataclass(frozen=True)
class Recipient:
    """Someone the portal may email about their work, with their choices."""

    user: object
    email: str
    adviser: Adviser | None  # their active principal-adviser record, if any
    manager: bool
    preference: NotificationPreference  # unsaved defaults when they never chose

    @property
    def name(self) -> str:
        return self.user.get_full_name() or (self.adviser.name if self.adviser else self.user.get_username())

    @property
    def region(self) -> Region | None:
        """The region a manager's digest covers, from their adviser record; None: all councils."""
        return self.adviser.region if self.manager and self.adviser else None


def recipients(*, user_ids: set[int] | None = None) -> list[Recipient]:
    """Active users with an email address who are active principal advisers or managers.

    Managers are those whose role (group) or own permissions let them act on every council;
    a superuser account is not a manager for this, so administrators are not emailed.
    Two queries.
    """
    manage_all = Permission.objects.filter(content_type__app_label="engagements", codename="manage_all_councils")
    is_manager = Q(groups__permissions__in=manage_all) | Q(user_permissions__in=manage_all)
    users = get_user_model().objects.filter(is_active=True).filter(Q(adviser__is_active=True) | is_manager)
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
    managers = set(users.filter(is_manager).values_list("pk", flat=True))
    result = []
    for user in users.distinct().select_related("adviser__region", "notification_preference").order_by("pk"):
        adviser = getattr(user, "adviser", None)
        if adviser is not None and not adviser.is_active:
            adviser = None
        email = (adviser.email if adviser else "") or user.email
        if not email:
            continue
        preference = getattr(user, "notification_preference", None) or NotificationPreference(user=user)
        result.append(Recipient(user, email, adviser, user.pk in managers, preference))
    return result


@dataclass(frozen=True)
class FollowUpReminder:
    """The follow-ups an adviser is reminded of on ``day``."""

    recipient: Recipient
    day: datetime.date
    due_today: list[Engagement]
    overdue: list[Engagement]  # overdue by at most REMINDER_OVERDUE_DAYS, oldest first
    older_overdue: int  # overdue by more, counted only

    @property
    def is_empty(self) -> bool:
        """A reminder goes only on a day something falls due."""
        return not self.due_today


def advisers_with_follow_ups_due(day: datetime.date) -> set[int]:
    """Ids of the users whose engagements have an open follow-up falling due on ``day``: one query."""
    return set(
        follow_ups_due(Engagement.objects.filter(follow_up_on=day), today=day, within_days=0)
        .filter(adviser__user__isnull=False)
        .order_by()
        .values_list("adviser__user_id", flat=True)
        .distinct()
    )


def follow_up_reminder(recipient: Recipient, day: datetime.date) -> FollowUpReminder:
    """Two queries, however many follow-ups there are."""
    if recipient.adviser is None:
        return FollowUpReminder(recipient, day, [], [], 0)
    theirs = Engagement.objects.filter(adviser=recipient.adviser)
    recent = list(follow_ups_due(theirs, today=day, within_days=0, overdue_days=REMINDER_OVERDUE_DAYS))
    return FollowUpReminder(
        recipient,
        day,
        due_today=[e for e in recent if e.follow_up_on == day],
        overdue=[e for e in recent if e.follow_up_on < day],
        older_overdue=long_overdue_follow_ups(theirs, today=day, overdue_days=REMINDER_OVERDUE_DAYS).count(),
    )


@dataclass(frozen=True)
class Section:
    """The first items of a list, and how long the whole list is."""

    items: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    @classmethod
    def of(cls, items: list, limit: int = DIGEST_LIST_LIMIT) -> Section:
        return cls(items[:limit], len(items))

    @classmethod
    def from_queryset(cls, queryset: QuerySet, limit: int = DIGEST_LIST_LIMIT) -> Section:
        """One query: the first ``limit`` rows, each carrying the count of the whole list."""
        items = list(queryset.annotate(section_total=Window(Count("*")))[:limit])
        return cls(items, items[0].section_total if items else 0)


@dataclass(frozen=True)
class QuietCouncil:
    """A council gone quiet, with its last contact and (for the quietest) offers to take to it."""

    council: Council
    last_contact_on: datetime.date | None  # None: never engaged
    days_since: int | None
    suggestions: list[intelligence.Suggestion]


@dataclass(frozen=True)
class Digest:
    """One person's digest for the week starting ``day``."""

    recipient: Recipient
    day: datetime.date
    scope: str  # "your councils", a region's name, or "all councils"
    quarter: Quarter
    follow_ups_this_week: Section
    follow_ups_overdue: Section
    not_engaged_this_quarter: Section
    gone_quiet: Section
    requests_waiting: Section
    new_offers: Section
    changed_offers: Section

    @property
    def sections(self) -> list[Section]:
        return [
            self.follow_ups_this_week,
            self.follow_ups_overdue,
            self.not_engaged_this_quarter,
            self.gone_quiet,
            self.requests_waiting,
            self.new_offers,
            self.changed_offers,
        ]

    @property
    def is_empty(self) -> bool:
        """Never sent when there is nothing in it."""
        return not any(section.total for section in self.sections)

    @property
    def week_end(self) -> datetime.date:
        return self.day + datetime.timedelta(days=DIGEST_WEEK_DAYS - 1)

    @property
    def engagement_filter(self) -> str:
        """The workspace lists' query string for the digest's scope (without a leading &)."""
        recipient = self.recipient
        if recipient.manager:
            return f"region={recipient.region.slug}" if recipient.region else ""
        return f"adviser={recipient.adviser.pk}" if recipient.adviser else ""

    @property
    def dashboard_filter(self) -> str:
        return f"region={self.recipient.region.slug}" if self.recipient.region else ""


def _scope(recipient: Recipient) -> tuple[str, QuerySet, QuerySet, QuerySet]:
    """(label, councils, engagements, support requests) a digest covers."""
    if recipient.manager:
        if region := recipient.region:
            return (
                region.name,
                Council.objects.filter(region=region),
                Engagement.objects.filter(council__region=region),
                SupportRequest.objects.filter(council__region=region),
            )
        return "all councils", Council.objects.all(), Engagement.objects.all(), SupportRequest.objects.all()
    adviser = recipient.adviser
    if adviser is None:
        return "your councils", Council.objects.none(), Engagement.objects.none(), SupportRequest.objects.none()
    return (
        "your councils",
        Council.objects.filter(adviser=adviser),
        Engagement.objects.filter(adviser=adviser),
        permissions.requests_for(recipient.user),
    )


def digest(recipient: Recipient, day: datetime.date) -> Digest:
    """A fixed number of queries (about a dozen) whatever the number of councils or rows."""
    scope, councils, engagements, requests = _scope(recipient)
    follow_ups = follow_ups_due(engagements, today=day, within_days=DIGEST_WEEK_DAYS - 1)

    rows = dashboard_councils(councils.filter(is_active=True), today=day)
    not_engaged = sorted(
        (c for c in rows if not c.engaged_this_quarter),
        key=lambda c: (c.last_engaged_on is not None, c.last_engaged_on or day, c.name),
    )
    quiet = [
        QuietCouncil(
            q.council,
            q.last_contact_on,
            q.days_since,
            intelligence.suggestions_for_council(q.council, today=day, limit=SUGGESTIONS_EACH)
            if n < SUGGESTIONS_FOR_QUIETEST
            else [],
        )
        for n, q in enumerate(intelligence.councils_gone_quiet(councils, today=day, days=QUIET_DAYS))
    ]

    since = timezone.make_aware(
        datetime.datetime.combine(day - datetime.timedelta(days=CATALOGUE_NEWS_DAYS), datetime.time.min)
    )
    offers = Offer.objects.published().select_related("theme")
    return Digest(
        recipient=recipient,
        day=day,
        scope=scope,
        quarter=quarter_of(day),
        follow_ups_this_week=Section.from_queryset(follow_ups.filter(follow_up_on__gte=day)),
        follow_ups_overdue=Section.from_queryset(follow_ups.filter(follow_up_on__lt=day)),
        not_engaged_this_quarter=Section.of(not_engaged),
        gone_quiet=Section.of(quiet),
        requests_waiting=Section.from_queryset(requests.open().with_related().order_by("created_at", "id")),
        new_offers=Section.from_queryset(offers.filter(created_at__gte=since).order_by("-created_at", "title")),
        changed_offers=Section.from_queryset(
            offers.filter(created_at__lt=since, modified_at__gte=since).order_by("-modified_at", "title")
        ),
    )


def digest_due(preference: NotificationPreference, day: datetime.date) -> bool:
    """Whether the digest goes out on ``day``: the chosen weekday, and for "every other week"
    only in alternate weeks (counted from a fixed Monday, so the rhythm never slips)."""
    if preference.digest == DigestFrequency.OFF or day.weekday() != preference.digest_weekday:
        return False
    if preference.digest == DigestFrequency.FORTNIGHTLY:
        return (day.toordinal() - 1) // 7 % 2 == 0
    return True


def next_digest_day(preference: NotificationPreference, day: datetime.date) -> datetime.date | None:
    """The first day from ``day`` on which the digest goes out; None when it is off."""
    if preference.digest == DigestFrequency.OFF:
        return None
    for offset in range(14):
        candidate = day + datetime.timedelta(days=offset)
        if digest_due(preference, candidate):
            return candidate
    return None
