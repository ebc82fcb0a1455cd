"""The outbox: every email the portal sends is recorded here first, then delivered by a task.

``email_queue`` writes the message as an ``OutgoingEmail`` row inside the caller's transaction
and asks for delivery once it commits, so a rolled-back request sends nothing and the web
request never waits for the mail server. ``email_attempt`` (run by the task in
``engagements.tasks``) claims a pending row, sends it through Django's ``EMAIL_BACKEND`` and
records the outcome: sent; pending again with the time of the next try; or failed after the
last of ``PORTAL["EMAIL_RETRY_DELAYS"]``. Only a row claimed from "pending" is ever sent, so a
retried or duplicated task cannot send the same message twice.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from engagements.models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

# A message still "sending" this long after its try began was cut off (the worker stopped
# mid-send); a manager may send it again. Well beyond EMAIL_TIMEOUT, so never a live send.
STUCK_AFTER = datetime.timedelta(minutes=15)


def email_queue(
    *,
    kind: str,
    to: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    headers: dict[str, str] | None = None,
    user=None,
    dedupe_key: str | None = None,
    from_email: str | None = None,
) -> OutgoingEmail | None:
    """Record one email to one address and deliver it in the background after the commit.

    With a ``dedupe_key`` that was used before, nothing is recorded and None is returned:
    that is how a scheduled email is sent once however often its command runs.
    """
    email = OutgoingEmail(
        kind=kind,
        to=to,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        subject=" ".join(subject.split())[:255],  # a header: one line
        text_body=text_body,
        html_body=html_body,
        headers=headers or {},
        user=user,
        dedupe_key=dedupe_key,
    )
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        if dedupe_key and OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    _deliver_after_commit(email.pk)
    return email


def _deliver_after_commit(email_id: int) -> None:
    # robust: should the task store be unreachable, the commit still stands; the email waits as
    # pending, and the admin's "send again" enqueues it.
    transaction.on_commit(lambda: _enqueue(email_id), robust=True)


def _enqueue(email_id: int) -> None:
    from engagements.tasks import enqueue_delivery  # the task module imports this one

    enqueue_delivery(email_id)


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt did: the email's status after it, and when to try again."""

    status: str
    retry_in: int | None = None  # seconds, when another try is due


def _message_id(email: OutgoingEmail) -> str:
    """A stable Message-ID: if a try the server accepted is ever repeated, readers' mail
    programs can still tell the copies are one message."""
    host = urlsplit(settings.PORTAL.get("SITE_URL") or "").hostname or "localhost"
    return f"<outgoing-email-{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{host}>"


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=[email.to],
        headers={"Message-ID": _message_id(email), **email.headers},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def _claim(email_id: int) -> OutgoingEmail | None:
    """Move a pending email to "sending" and count the try; None when it is not pending.

    The row is locked while its status is read (PostgreSQL), and the conditional update
    lets exactly one claimant through on any database.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != EmailStatus.PENDING:
            return None
        now = timezone.now()
        claimed = OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING).update(
            status=EmailStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=None
        )
        if not claimed:
            return None
    email.refresh_from_db()
    return email


def email_attempt(*, email_id: int) -> Attempt:
    """Try to send one email once, and record what happened (see the module's docstring)."""
    email = _claim(email_id)
    if email is None:
        status = OutgoingEmail.objects.filter(pk=email_id).values_list("status", flat=True).first()
        return Attempt(status or "missing")
    try:
        _message(email).send()
    except Exception as error:  # noqa: BLE001 - whatever the failure, the row must not stay "sending"
        return _record_failure(email, error)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENT, sent_at=timezone.now(), last_error="")
    logger.info("Sent email %s (%s) to %s on try %s", email.pk, email.kind, email.to, email.attempts)
    return Attempt(EmailStatus.SENT)


def _record_failure(email: OutgoingEmail, error: Exception) -> Attempt:
    delays = settings.PORTAL["EMAIL_RETRY_DELAYS"]
    reason = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts <= len(delays):
        delay = int(delays[email.attempts - 1])
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.PENDING,
            last_error=reason,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        )
        logger.warning(
            "Email %s to %s not sent (try %s), retrying in %ss: %s", email.pk, email.to, email.attempts, delay, reason
        )
        return Attempt(EmailStatus.PENDING, retry_in=delay)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, last_error=reason)
    logger.error("Email %s to %s failed after %s tries: %s", email.pk, email.to, email.attempts, reason)
    return Attempt(EmailStatus.FAILED)


def email_retry(*, email: OutgoingEmail) -> bool:
    """Send a failed (or cut-off) email again with a fresh set of tries; False when there is
    nothing to retry. A pending email just gets another delivery task, which is harmless:
    only one task can claim it."""
    now = timezone.now()
    retryable = OutgoingEmail.objects.filter(pk=email.pk).filter(
        status__in=[EmailStatus.FAILED, EmailStatus.PENDING]
    ) | OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING, last_attempt_at__lt=now - STUCK_AFTER)
    with transaction.atomic():
        if not retryable.update(status=EmailStatus.PENDING, attempts=0, next_attempt_at=None):
            return False
        _deliver_after_commit(email.pk)
    return True
