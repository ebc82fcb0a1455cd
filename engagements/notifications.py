"""The emails the portal sends about engagement work, and the choices people make about them.

Each email is rendered here (plain text and HTML, from ``templates/engagements/emails/``, every
link absolute from ``PORTAL["SITE_URL"]``) and handed to the outbox, which delivers it in the
background. The writes to people's choices (settings page, unsubscribe link, calendar secret)
are here too, as services.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from engagements import digests
from engagements.digests import Digest, FollowUpReminder, Recipient
from engagements.models import (
    Adviser,
    Council,
    DigestFrequency,
    EmailKind,
    NotificationPreference,
    OutgoingEmail,
    SupportRequest,
    new_secret,
)
from engagements.outbox import email_queue
from offers.models import Offer

# Unsubscribe links carry the user and what to stop, signed; they work without signing in
# and stop working after this long (a link in a months-old email is refused, not obeyed).
UNSUBSCRIBE_SALT = "engagements.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 90 * 24 * 60 * 60
REMINDERS = "reminders"
DIGEST = "digest"
UNSUBSCRIBE_WHAT = {REMINDERS: "follow-up reminders", DIGEST: "the digest"}


def site_url() -> str:
    return (settings.PORTAL.get("SITE_URL") or "").rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` on the portal's public address, for links that leave the portal (emails, calendars)."""
    return site_url() + path


def render_email(name: str, context: dict) -> tuple[str, str]:
    """(text, html) of the email ``templates/engagements/emails/<name>.txt|.html``."""
    context = {"site_url": site_url(), **context}
    return (
        render_to_string(f"engagements/emails/{name}.txt", context),
        render_to_string(f"engagements/emails/{name}.html", context),
    )


# --- Support requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestContact:
    """Who answers a support request: the council's principal adviser, else the offer's contact."""

    name: str
    email: str
    adviser: Adviser | None


def contact_for(
    offer: Offer, council: Council | None = None, *, assigned_adviser: Adviser | None = None
) -> RequestContact:
    """Who answers a request for ``offer`` from ``council``: the adviser the request was assigned
    to, else the council's principal adviser, while active; else the offer's contact (its own or its
    theme's); else the portal's own address. The offer page names the same person."""
    for adviser in (assigned_adviser, council.adviser if council is not None else None):
        if adviser is not None and adviser.is_active and adviser.email:
            return RequestContact(adviser.name, adviser.email, adviser)
    theme = offer.theme
    contact = offer.effective_contact_email
    if contact:
        return RequestContact(f"the {theme.name} team", contact, None)
    return RequestContact("the LGA support offer team", settings.DEFAULT_FROM_EMAIL, None)


def request_contact(request: SupportRequest) -> RequestContact:
    """Who answers ``request`` (the adviser it was assigned to, or the council's adviser now, ...)."""
    return contact_for(request.offer, request.council, assigned_adviser=request.assigned_adviser)


def request_status_url(request: SupportRequest) -> str:
    return absolute_url(reverse("engagements:request_status", args=[request.status_token]))


def support_request_notify(request: SupportRequest) -> None:
    """Queue the request to whoever answers it, and the confirmation to the person who asked.

    Called inside the transaction that stores the request: both are sent only if it commits.
    """
    contact = request_contact(request)
    context = {"request": request, "contact": contact, "status_url": request_status_url(request)}
    text, html = render_email("support_request", context)
    email_queue(
        kind=EmailKind.SUPPORT_REQUEST,
        to=contact.email,
        subject=f"Support request {request.reference}: {request.offer.title} for {request.council.name}",
        text_body=text,
        html_body=html,
        user=contact.adviser.user if contact.adviser else None,
        headers={"Reply-To": request.email},
    )
    text, html = render_email("request_confirmation", context)
    email_queue(
        kind=EmailKind.REQUEST_CONFIRMATION,
        to=request.email,
        subject=f"We have your request {request.reference}: {request.offer.title}",
        text_body=text,
        html_body=html,
        headers={"Reply-To": contact.email},
    )


# --- Choices: the settings page, unsubscribe links, the calendar secret -------------------------


def preference_for(user) -> NotificationPreference:
    """The user's choices, saved with the defaults the first time they are asked for."""
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def notification_preference_update(
    *, user, follow_up_reminders: bool, digest: str, digest_weekday: int
) -> NotificationPreference:
    preference = NotificationPreference.objects.select_for_update().get(pk=preference_for(user).pk)
    preference.follow_up_reminders = follow_up_reminders
    preference.digest = digest
    preference.digest_weekday = digest_weekday
    preference.full_clean()
    preference.save()
    return preference


@transaction.atomic
def calendar_secret_reset(*, user) -> NotificationPreference:
    """A new secret for the user's calendar feed: the old address stops working at once."""
    preference = NotificationPreference.objects.select_for_update().get(pk=preference_for(user).pk)
    preference.calendar_secret = new_secret()
    preference.save(update_fields=["calendar_secret", "modified_at"])
    return preference


def calendar_feed_url(preference: NotificationPreference) -> str:
    return absolute_url(reverse("engagements:calendar_feed", args=[preference.calendar_secret]))


def unsubscribe_token(user, what: str) -> str:
    return signing.dumps({"u": user.pk, "w": what}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user, what: str) -> str:
    return absolute_url(reverse("engagements:unsubscribe", args=[unsubscribe_token(user, what)]))


def read_unsubscribe_token(token: str):
    """(user, what) from a valid, unexpired unsubscribe token, else None."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:  # also when expired
        return None
    if not isinstance(payload, dict) or payload.get("w") not in UNSUBSCRIBE_WHAT:
        return None
    user = get_user_model().objects.filter(pk=payload.get("u"), is_active=True).first()
    return (user, payload["w"]) if user is not None else None


@transaction.atomic
def unsubscribe(*, user, what: str) -> NotificationPreference:
    """Stop the follow-up reminders or the digest for ``user``."""
    preference = NotificationPreference.objects.select_for_update().get(pk=preference_for(user).pk)
    if what == REMINDERS:
        preference.follow_up_reminders = False
    elif what == DIGEST:
        preference.digest = DigestFrequency.OFF
    else:
        raise ValueError(f"Nothing to unsubscribe from called {what!r}")
    preference.save()
    return preference


def _list_headers(user, what: str) -> dict[str, str]:
    """One-click unsubscribe (RFC 8058), so mail programs can offer it beside the sender."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, what)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Follow-up reminders and digests -------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a run of a scheduled email did, or would do, for one person."""

    recipient: Recipient
    subject: str
    text: str
    status: str  # QUEUED, ALREADY_SENT, WOULD_SEND, NOT_DUE, EMPTY
    note: str = ""


QUEUED = "queued"
ALREADY_SENT = "already sent"
WOULD_SEND = "would send"
NOT_DUE = "not due"
EMPTY = "nothing to send"


def reminder_key(user, day: datetime.date) -> str:
    return f"follow-up-reminder:{user.pk}:{day.isoformat()}"


def digest_key(user, day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"digest:{user.pk}:{year}-W{week:02d}"


def _queue_or_preview(
    *, recipient: Recipient, kind: str, key: str, subject: str, name: str, context: dict, what: str, dry_run: bool
) -> Outcome:
    context = {
        **context,
        "recipient": recipient,
        "unsubscribe_url": unsubscribe_url(recipient.user, what),
        "unsubscribe_what": UNSUBSCRIBE_WHAT[what],
        "settings_url": absolute_url(reverse("workspace:notification_settings")),
    }
    text, html = render_email(name, context)
    if dry_run:
        sent = OutgoingEmail.objects.filter(dedupe_key=key).exists()
        return Outcome(recipient, subject, text, ALREADY_SENT if sent else WOULD_SEND)
    email = email_queue(
        kind=kind,
        to=recipient.email,
        subject=subject,
        text_body=text,
        html_body=html,
        headers=_list_headers(recipient.user, what),
        user=recipient.user,
        dedupe_key=key,
    )
    return Outcome(recipient, subject, text, QUEUED if email else ALREADY_SENT)


def reminder_subject(reminder: FollowUpReminder) -> str:
    count = len(reminder.due_today)
    return f"{count} follow-up{'s' if count != 1 else ''} due today, {reminder.day:%-d %B %Y}"


def follow_up_reminders_send(*, day: datetime.date, dry_run: bool = False) -> list[Outcome]:
    """Email each adviser (reminders on) with a follow-up falling due on ``day`` once for that day."""
    outcomes = []
    for recipient in digests.recipients(user_ids=digests.advisers_with_follow_ups_due(day)):
        if recipient.adviser is None or not recipient.preference.follow_up_reminders:
            continue
        reminder = digests.follow_up_reminder(recipient, day)
        if reminder.is_empty:
            continue
        outcomes.append(
            _queue_or_preview(
                recipient=recipient,
                kind=EmailKind.FOLLOW_UP_REMINDER,
                key=reminder_key(recipient.user, day),
                subject=reminder_subject(reminder),
                name="follow_up_reminder",
                context={"reminder": reminder, "overdue_days": digests.REMINDER_OVERDUE_DAYS},
                what=REMINDERS,
                dry_run=dry_run,
            )
        )
    return outcomes


def digest_subject(digest: Digest) -> str:
    return f"Your digest for the week of {digest.day:%-d %B %Y}: {digest.scope}"


def digests_send(*, day: datetime.date, dry_run: bool = False) -> list[Outcome]:
    """Email each person their digest on their day, once for the week; never an empty one.

    A dry run shows the digest of everyone who has one switched on, and whether it is due.
    """
    outcomes = []
    for recipient in digests.recipients():
        preference = recipient.preference
        if preference.digest == DigestFrequency.OFF:
            continue
        due = digests.digest_due(preference, day)
        if not due and not dry_run:
            continue
        digest = digests.digest(recipient, day)
        subject = digest_subject(digest)
        if digest.is_empty:
            outcomes.append(Outcome(recipient, subject, "", EMPTY))
            continue
        outcome = _queue_or_preview(
            recipient=recipient,
            kind=EmailKind.DIGEST,
            key=digest_key(recipient.user, day),
            subject=subject,
            name="digest",
            context={"digest": digest, "quiet_days": digests.QUIET_DAYS},
            what=DIGEST,
            dry_run=dry_run,
        )
        if not due:
            next_day = digests.next_digest_day(preference, day)
            note = f"not due today; next on {next_day:%A %-d %B %Y}" if next_day else "not due"
            outcome = Outcome(recipient, subject, outcome.text, NOT_DUE, note)
        outcomes.append(outcome)
    return outcomes
