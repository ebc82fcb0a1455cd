"""Email end to end: tasks stored in the database, the real worker (``manage.py db_worker``) and a
real SMTP server (aiosmtpd on a free loopback port) started by the test, which reads what arrived.

These need a transactional database: the worker commits as it works, as it does in production.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from engagements.models import Adviser, Council, EmailKind, EmailStatus, OutgoingEmail, Region, SupportRequest
from engagements.services import support_request_create
from engagements.tasks import enqueue_delivery
from offers.models import Offer, Theme
from tests.engagements.smtp import SmtpServer, parts

OFFER = "recovery-and-renewal-panel"
SITE = "https://support.example.org"


@pytest.fixture
def seeded(transactional_db):
    """The one council, theme and offer these tests use, whether or not an earlier transactional
    test flushed the seeded data (re-seeding everything would cost far longer than the test)."""
    region, _ = Region.objects.get_or_create(code="E12000001", defaults={"name": "North East", "slug": "north-east"})
    theme, _ = Theme.objects.get_or_create(
        slug="peer-support", defaults={"name": "Peer support", "contact_email": "PeerChallenge@local.gov.uk"}
    )
    Offer.objects.get_or_create(
        slug=OFFER, defaults={"title": "LGA Recovery and Renewal Panel", "theme": theme, "summary": "A panel."}
    )
    Council.objects.get_or_create(
        gss_code="E06000001", defaults={"name": "Hartlepool", "slug": "hartlepool", "region": region}
    )


@pytest.fixture
def smtp(settings):
    """A real SMTP server the portal sends through; tasks go to the database for the worker."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = server.host, server.port, 5
    settings.EMAIL_USE_TLS = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PORTAL = {**settings.PORTAL, "SITE_URL": SITE, "EMAIL_RETRY_DELAYS": [0, 0]}
    yield server
    server.stop()


def run_worker(**options) -> None:
    """The backend's own worker, in this process: everything ready, then it stops."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0, **options)


@pytest.fixture
def hartlepool(seeded):
    adviser = Adviser.objects.create(name="Pat Adviser", email="pat@advisers.example.org")
    council = Council.objects.get(gss_code="E06000001")
    council.adviser = adviser
    council.save()
    return council


def ask(council, email="sam@hartlepool.example"):
    return support_request_create(
        council=council,
        offer=Offer.objects.get(slug=OFFER),
        name="Sam Officer",
        email=email,
        message="A panel in the spring, please.",
        consent=True,
    )


def test_a_support_request_is_delivered_by_the_worker_to_the_adviser_and_the_requester(client, smtp, hartlepool):
    smtp.start()
    response = client.post(
        f"/offers/{OFFER}/request/",
        {"council": "E06000001", "name": "Sam Officer", "email": "sam@hartlepool.example", "consent": "on"},
    )
    assert response.status_code == 302
    # The web request only recorded the emails and queued their delivery; nothing was sent yet.
    assert smtp.messages == []
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(EmailStatus.PENDING, 0)}
    assert DBTaskResult.objects.ready().count() == 2

    run_worker()

    request = SupportRequest.objects.get()
    (to_adviser,) = smtp.to("pat@advisers.example.org")
    assert (
        to_adviser["Subject"] == f"Support request {request.reference}: LGA Recovery and Renewal Panel for Hartlepool"
    )
    assert to_adviser["Reply-To"] == "sam@hartlepool.example"
    text, html = parts(to_adviser)
    assert f"{SITE}/workspace/requests/{request.reference}/" in text
    assert f'href="{SITE}/workspace/requests/{request.reference}/"' in html

    (confirmation,) = smtp.to("sam@hartlepool.example")
    assert request.reference in confirmation["Subject"]
    text, html = parts(confirmation)
    assert "Pat Adviser, Hartlepool's LGA principal adviser (pat@advisers.example.org), will contact you." in text
    status_url = f"{SITE}/requests/{request.status_token}/"
    assert status_url in text and f'href="{status_url}"' in html
    # Every link in both emails is on the portal's address (or a mail address).
    for message in (to_adviser, confirmation):
        for link in re.findall(r'href="([^"]+)"', parts(message)[1]):
            assert link.startswith((SITE, "mailto:")), link
    # The private link opens the requester's status page.
    page = client.get(status_url.removeprefix(SITE))
    assert page.status_code == 200 and request.reference in page.content.decode()
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(EmailStatus.SENT, 1)}


def test_an_outage_is_retried_then_marked_failed_then_delivered_once_the_server_is_back(
    client, smtp, hartlepool, make_user
):
    # The server is down: nothing listens on its port.
    request = ask(hartlepool)
    run_worker()

    emails = list(OutgoingEmail.objects.order_by("pk"))
    assert [(e.kind, e.status, e.attempts) for e in emails] == [
        (EmailKind.SUPPORT_REQUEST, EmailStatus.FAILED, 3),
        (EmailKind.REQUEST_CONFIRMATION, EmailStatus.FAILED, 3),
    ]
    assert all("ConnectionRefusedError" in e.last_error for e in emails)
    # Three tries each: the first delivery task and the two retries it scheduled.
    assert DBTaskResult.objects.successful().filter(task_path="engagements.tasks.deliver_email").count() == 6
    assert SupportRequest.objects.filter(pk=request.pk).exists()  # the request itself is safe

    # A manager sees the failures in the admin and sends them again once the server is back.
    manager = make_user("manager")
    client.force_login(manager)
    changelist = client.get("/admin/engagements/outgoingemail/?status__exact=failed")
    assert changelist.status_code == 200
    assert "pat@advisers.example.org" in changelist.content.decode()
    assert "ConnectionRefusedError" in changelist.content.decode()
    smtp.start()
    response = client.post(
        "/admin/engagements/outgoingemail/",
        {"action": "retry", "_selected_action": [e.pk for e in emails]},
        follow=True,
    )
    assert "2 emails queued to send again." in response.content.decode()
    run_worker()

    assert sorted(m["To"] for m in smtp.messages) == ["pat@advisers.example.org", "sam@hartlepool.example"]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}

    # Sent is final: a duplicated delivery task, or retrying from the admin again, sends nothing.
    for email in emails:
        enqueue_delivery(email.pk)
    response = client.post(
        "/admin/engagements/outgoingemail/", {"action": "retry", "_selected_action": [emails[0].pk]}, follow=True
    )
    assert "1 already sent or being sent now; not sent again." in response.content.decode()
    run_worker()
    assert len(smtp.messages) == 2


def test_a_retry_delivers_when_the_server_comes_back_between_tries(smtp, hartlepool):
    ask(hartlepool)
    run_worker(max_tasks=1)  # the first try of the adviser's email, while the server is down
    first = OutgoingEmail.objects.get(kind=EmailKind.SUPPORT_REQUEST)
    assert (first.status, first.attempts) == (EmailStatus.PENDING, 1)
    assert "ConnectionRefusedError" in first.last_error and first.next_attempt_at is not None

    smtp.start()
    run_worker()

    first.refresh_from_db()
    assert (first.status, first.attempts, first.last_error) == (EmailStatus.SENT, 2, "")
    confirmation = OutgoingEmail.objects.get(kind=EmailKind.REQUEST_CONFIRMATION)
    assert (confirmation.status, confirmation.attempts) == (EmailStatus.SENT, 1)
    assert sorted(m["To"] for m in smtp.messages) == ["pat@advisers.example.org", "sam@hartlepool.example"]


def test_an_address_the_server_refuses_fails_after_its_retries_and_holds_nothing_else_up(client, smtp, hartlepool):
    smtp.start()
    smtp.refuse.add("nobody@hartlepool.example")
    ask(hartlepool, email="nobody@hartlepool.example")
    ask(hartlepool, email="sam@hartlepool.example")
    run_worker()

    refused = OutgoingEmail.objects.get(to="nobody@hartlepool.example")
    assert (refused.status, refused.attempts) == (EmailStatus.FAILED, 3)
    assert "SMTPRecipientsRefused" in refused.last_error and "Mailbox unavailable" in refused.last_error
    others = OutgoingEmail.objects.exclude(pk=refused.pk)
    assert set(others.values_list("status", "attempts")) == {(EmailStatus.SENT, 1)}
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        ["pat@advisers.example.org"] * 2 + ["sam@hartlepool.example"]
    )


def test_a_rolled_back_request_sends_nothing(smtp, hartlepool):
    from django.db import transaction

    smtp.start()
    with pytest.raises(RuntimeError), transaction.atomic():
        ask(hartlepool)
        raise RuntimeError("something later in the same transaction failed")
    run_worker()
    assert not OutgoingEmail.objects.exists() and not DBTaskResult.objects.exists()
    assert smtp.messages == []


def test_the_worker_sends_a_password_reset_through_smtp(client, smtp, seeded, make_user):
    smtp.start()
    user = make_user("adviser", username="alice", first_name="Alice")
    client.post(reverse("password_reset"), {"email": user.email})
    assert smtp.messages == []
    run_worker()
    (message,) = smtp.to(user.email)
    text, html = parts(message)
    assert message["Subject"] == "Reset your password for the LGA support offer"
    assert re.search(rf"{re.escape(SITE)}/accounts/reset/\S+/", text)
    assert "Choose a new password" in html
