"""iCalendar (RFC 5545) for advisers: a private feed of their open follow-ups and planned
engagements to subscribe to from Outlook or Google Calendar, and a one-off ``.ics`` of any
engagement.

Every event is all-day (engagements record a date, not a time) and has a stable UID, so a
calendar program updates an event when the engagement changes instead of adding another, and
an event imported from an engagement's ``.ics`` is the same event as in the feed. Only what
colleagues may read goes in (the summary, never the private notes).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from engagements.follow_ups import follow_ups_due
from engagements.models import ENGAGEMENT_DATE_CEILING, Adviser, Engagement, EngagementStatus
from engagements.notifications import absolute_url, site_url

PRODUCT_ID = "-//Local Government Association//LGA support offer workspace//EN"
# How far back the feed reaches: overdue follow-ups stay until done, up to this age.
FOLLOW_UPS_SINCE_DAYS = 180
PLANNED_SINCE_DAYS = 30
# Calendar programs poll a subscribed feed; this asks for about once an hour.
REFRESH = datetime.timedelta(hours=1)


def _uid_domain() -> str:
    return urlsplit(site_url()).hostname or "lga-support-offer.invalid"


def follow_up_uid(engagement: Engagement) -> str:
    return f"follow-up-{engagement.pk}@{_uid_domain()}"


def engagement_uid(engagement: Engagement) -> str:
    return f"engagement-{engagement.pk}@{_uid_domain()}"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _all_day(event: Event, day: datetime.date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))


def _description(engagement: Engagement, first_line: str) -> str:
    lines = [first_line]
    if engagement.summary:
        lines += ["", engagement.summary]
    lines += ["", absolute_url(engagement.get_absolute_url())]
    return "\n".join(lines)


def follow_up_event(engagement: Engagement) -> Event:
    """An all-day reminder on the follow-up date; it takes no time in the day (transparent)."""
    event = Event()
    event.add("uid", follow_up_uid(engagement))
    event.add("dtstamp", engagement.modified_at)
    event.add("last-modified", engagement.modified_at)
    event.add("sequence", engagement.version)
    _all_day(event, engagement.follow_up_on)
    event.add("summary", f"Follow up: {engagement.council.name}")
    event.add(
        "description",
        _description(
            engagement, f"Follow up the {engagement.get_kind_display().lower()} on {engagement.date:%-d %B %Y}."
        ),
    )
    event.add("url", absolute_url(engagement.get_absolute_url()))
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["Follow-up"])
    return event


_EVENT_STATUS = {
    EngagementStatus.PLANNED: "TENTATIVE",
    EngagementStatus.COMPLETED: "CONFIRMED",
    EngagementStatus.CANCELLED: "CANCELLED",
}


def engagement_event(engagement: Engagement) -> Event:
    event = Event()
    event.add("uid", engagement_uid(engagement))
    event.add("dtstamp", engagement.modified_at)
    event.add("last-modified", engagement.modified_at)
    event.add("sequence", engagement.version)
    _all_day(event, engagement.date)
    event.add("summary", f"{engagement.get_kind_display()}: {engagement.council.name}")
    event.add(
        "description",
        _description(
            engagement,
            f"{engagement.get_kind_display()} with {engagement.council.name} "
            f"({engagement.get_channel_display().lower()}), led by {engagement.adviser.name}.",
        ),
    )
    event.add("url", absolute_url(engagement.get_absolute_url()))
    event.add("status", _EVENT_STATUS[engagement.status])
    event.add("categories", ["Engagement"])
    return event


def feed_engagements(adviser: Adviser, *, today: datetime.date) -> tuple[QuerySet, QuerySet]:
    """(open follow-ups, planned engagements) of the adviser that the feed shows: two queries."""
    follow_ups = follow_ups_due(
        Engagement.objects.filter(adviser=adviser, follow_up_on__gte=today - datetime.timedelta(FOLLOW_UPS_SINCE_DAYS)),
        today=today,
        within_days=(ENGAGEMENT_DATE_CEILING - today).days,  # every one still to come
    )
    planned = (
        Engagement.objects.live()
        .filter(
            adviser=adviser, status=EngagementStatus.PLANNED, date__gte=today - datetime.timedelta(PLANNED_SINCE_DAYS)
        )
        .select_related("council", "adviser")
        .order_by("date", "id")
    )
    return follow_ups, planned


def adviser_feed(adviser: Adviser, *, today: datetime.date | None = None) -> bytes:
    """The adviser's private calendar: open follow-ups and planned engagements."""
    today = today or timezone.localdate()
    follow_ups, planned = feed_engagements(adviser, today=today)
    calendar = _calendar(f"LGA follow-ups and engagements: {adviser.name}")
    for engagement in follow_ups:
        calendar.add_component(follow_up_event(engagement))
    for engagement in planned:
        calendar.add_component(engagement_event(engagement))
    return calendar.to_ical()


def engagement_ics(engagement: Engagement) -> bytes:
    """One engagement as a calendar file, with its follow-up if one is still to do."""
    calendar = _calendar(f"{engagement.get_kind_display()}: {engagement.council.name}")
    calendar.add_component(engagement_event(engagement))
    if engagement.follow_up_on and not engagement.follow_up_done and engagement.status != EngagementStatus.CANCELLED:
        calendar.add_component(follow_up_event(engagement))
    return calendar.to_ical()
