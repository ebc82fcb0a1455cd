"""The outbox on its own: recorded before it is sent, sent at most once, retried from the admin only
when there is something to retry, and visible to managers alone."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from engagements.models import EmailKind, EmailStatus, OutgoingEmail
from engagements.outbox import email_attempt, email_queue, email_retry
from engagements.tasks import deliver_email

pytestmark = pytest.mark.django_db


def queue(**values):
    defaults = {
        "kind": EmailKind.DIGEST,
        "to": "alice@advisers.example.org",
        "subject": "Your digest",
        "text_body": "Hello",
    }
    return email_queue(**{**defaults, **values})


def test_an_email_is_recorded_at_once_and_sent_only_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue(html_body="<p>Hello</p>", headers={"List-Unsubscribe": "<https://x.example/u/>"})
        assert OutgoingEmail.objects.get().status == EmailStatus.PENDING and mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1) and email.sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["alice@advisers.example.org"] and message.alternatives[0][0] == "<p>Hello</p>"
    assert message.extra_headers["List-Unsubscribe"] == "<https://x.example/u/>"
    assert message.extra_headers["Message-ID"].startswith(f"<outgoing-email-{email.pk}.")


def test_a_subject_is_one_line(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(subject="Support request\r\nBcc: everyone@example.org")
    assert mail.outbox[0].subject == "Support request Bcc: everyone@example.org"


def test_a_key_used_before_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue(dedupe_key="digest:1:2026-W01") is not None
        assert queue(dedupe_key="digest:1:2026-W01") is None
    assert OutgoingEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_a_repeated_delivery_task_never_sends_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
    assert deliver_email.call(email.pk) == EmailStatus.SENT  # already sent: nothing happens
    assert email_attempt(email_id=email.pk).status == EmailStatus.SENT
    assert email_attempt(email_id=10**9).status == "missing"
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get(pk=email.pk).attempts == 1


def test_only_failed_or_cut_off_emails_are_sent_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = queue()
    assert email_retry(email=sent) is False

    sending = queue(to="bob@advisers.example.org")
    OutgoingEmail.objects.filter(pk=sending.pk).update(
        status=EmailStatus.SENDING, attempts=1, last_attempt_at=timezone.now()
    )
    assert email_retry(email=sending) is False  # perhaps being sent right now

    # A worker stopped mid-send long ago: a manager may send it again.
    OutgoingEmail.objects.filter(pk=sending.pk).update(last_attempt_at=timezone.now() - datetime.timedelta(hours=1))
    failed = queue(to="carol@advisers.example.org")
    OutgoingEmail.objects.filter(pk=failed.pk).update(status=EmailStatus.FAILED, attempts=3, last_error="550")
    with django_capture_on_commit_callbacks(execute=True):
        assert email_retry(email=sending) is True
        assert email_retry(email=failed) is True
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@advisers.example.org",
        "bob@advisers.example.org",
        "carol@advisers.example.org",
    ]
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(EmailStatus.SENT, 1)}


def test_only_managers_see_the_outbox(client, make_user):
    queue(to="someone@council.example", subject="Private matter")
    for role, expected in (("manager", 200), ("editor", 403), ("adviser", 302), ("analyst", 302)):
        client.force_login(make_user(role))
        response = client.get("/admin/engagements/outgoingemail/")
        assert response.status_code == expected, role
        if expected == 200:
            assert "someone@council.example" in response.content.decode()
            # Recorded, not editable: no add button, every field read-only.
            assert "/admin/engagements/outgoingemail/add/" not in response.content.decode()
    email = OutgoingEmail.objects.get()
    client.force_login(make_user("manager"))
    client.post(f"/admin/engagements/outgoingemail/{email.pk}/change/", {"to": "x@y.org", "subject": "Changed"})
    assert OutgoingEmail.objects.filter(to="someone@council.example", subject="Private matter").exists()
