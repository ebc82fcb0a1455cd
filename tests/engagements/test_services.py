"""Writes through the services: optimistic locking, archiving, support requests and their email."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from engagements.models import (
    Adviser,
    Council,
    EmailStatus,
    Engagement,
    OutgoingEmail,
    SupportRequest,
    SupportRequestStatus,
)
from engagements.services import (
    REQUEST_RATE_LIMITED,
    EngagementConflict,
    engagement_archive,
    engagement_update,
    support_request_convert,
    support_request_create,
)
from offers.models import Offer
from tests.factories import AdviserFactory, EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser():
    return AdviserFactory(name="Pat Adviser", email="pat@example.org", councils=["E06000001"])


@pytest.fixture
def council(adviser):
    return Council.objects.get(gss_code="E06000001")


def test_a_stale_update_is_refused_with_what_changed(council, adviser, make_user):
    alice, bob = make_user("manager"), make_user("manager")
    engagement = EngagementFactory(council=council, adviser=adviser, user=alice, summary="First")
    opened_by_bob = engagement.version
    engagement_update(engagement=engagement, user=alice, version=engagement.version, summary="Alice's change")
    with pytest.raises(EngagementConflict) as conflict:
        engagement_update(engagement=engagement, user=bob, version=opened_by_bob, summary="Bob's change")
    assert ("Summary", "First", "Alice's change") in conflict.value.changes
    engagement.refresh_from_db()
    assert engagement.summary == "Alice's change" and engagement.version == 2


def test_archived_engagements_leave_counts_but_keep_history(council, adviser):
    engagement = EngagementFactory(council=council, adviser=adviser, user=None)
    engagement_archive(engagement=engagement, user=None)
    assert not Engagement.objects.live().filter(pk=engagement.pk).exists()
    assert engagement.history.count() == 2


def test_support_request_emails_the_councils_adviser(council, django_capture_on_commit_callbacks):
    offer = Offer.objects.published().first()
    with django_capture_on_commit_callbacks(execute=True):
        request = support_request_create(
            council=council, offer=offer, name="Sam", email="sam@example.org", consent=True
        )
    assert request.reference.startswith("SR-")
    # The adviser, then the requester's confirmation.
    assert [m.to for m in mail.outbox] == [["pat@example.org"], ["sam@example.org"]]
    assert request.reference in mail.outbox[0].subject and request.reference in mail.outbox[1].subject


def test_support_request_without_adviser_goes_to_the_theme_contact(django_capture_on_commit_callbacks):
    council = Council.objects.filter(adviser__isnull=True, is_active=True).first()
    offer = Offer.objects.get(slug="recovery-and-renewal-panel")
    with django_capture_on_commit_callbacks(execute=True):
        support_request_create(council=council, offer=offer, name="Sam", email="sam@example.org", consent=True)
    assert mail.outbox[0].to == ["PeerChallenge@local.gov.uk"]
    assert "The Peer support team (PeerChallenge@local.gov.uk) will contact you" in mail.outbox[1].body


def test_support_requests_are_limited_per_address_per_hour(council, settings):
    offer = Offer.objects.published().first()
    for _ in range(settings.PORTAL["SUPPORT_REQUESTS_PER_HOUR"]):
        support_request_create(council=council, offer=offer, name="Sam", email="sam@example.org", consent=True)
    with pytest.raises(ValidationError) as error:
        support_request_create(council=council, offer=offer, name="Sam", email="SAM@example.org", consent=True)
    assert error.value.message_dict["email"] == [
        REQUEST_RATE_LIMITED.format(limit=settings.PORTAL["SUPPORT_REQUESTS_PER_HOUR"])
    ]


def test_requests_for_inactive_councils_or_unpublished_offers_are_refused():
    offer = Offer.objects.published().first()
    with pytest.raises(ValidationError) as error:
        support_request_create(
            council=Council.objects.get(gss_code="E07000026"),
            offer=offer,
            name="S",
            email="s@example.org",
            consent=True,
        )
    assert "council" in error.value.message_dict
    offer.is_published = False
    offer.save()
    with pytest.raises(ValidationError) as error:
        support_request_create(
            council=Council.objects.get(gss_code="E06000002"),
            offer=offer,
            name="S",
            email="s@example.org",
            consent=True,
        )
    assert "offer" in error.value.message_dict


def test_converting_a_request_links_a_prefilled_engagement(council, make_user):
    offer = Offer.objects.published().first()
    request = SupportRequestFactory(council=council, offer=offer)
    engagement = support_request_convert(request=request, user=make_user("manager"))
    request.refresh_from_db()
    assert request.status == SupportRequestStatus.CONVERTED and request.engagement == engagement
    assert list(engagement.offers.all()) == [offer] and engagement.council == council
    with pytest.raises(ValidationError):
        support_request_convert(request=request, user=None)


def test_a_mail_outage_keeps_the_request_and_records_the_failure(
    council, settings, django_capture_on_commit_callbacks, caplog
):
    # A real SMTP connection to a port nothing listens on.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    offer = Offer.objects.published().first()
    with django_capture_on_commit_callbacks(execute=True):
        request = support_request_create(
            council=council, offer=offer, name="Sam", email="sam@example.org", consent=True
        )
    assert SupportRequest.objects.filter(pk=request.pk).exists()
    # Each email was tried once and retried twice (the test settings' two retries), then marked failed.
    emails = OutgoingEmail.objects.order_by("pk")
    assert [(e.to, e.status, e.attempts) for e in emails] == [
        ("pat@example.org", EmailStatus.FAILED, 3),
        ("sam@example.org", EmailStatus.FAILED, 3),
    ]
    assert "ConnectionRefusedError" in emails[0].last_error and "failed after 3 tries" in caplog.text


def test_a_deactivated_advisers_council_sends_its_requests_to_the_theme_contact(
    council, adviser, django_capture_on_commit_callbacks
):
    Adviser.objects.filter(pk=adviser.pk).update(is_active=False)
    council.refresh_from_db()
    offer = Offer.objects.get(slug="recovery-and-renewal-panel")
    with django_capture_on_commit_callbacks(execute=True):
        support_request_create(council=council, offer=offer, name="Sam", email="sam@example.org", consent=True)
    assert [m.to for m in mail.outbox] == [["PeerChallenge@local.gov.uk"], ["sam@example.org"]]
    assert "pat@example.org" not in mail.outbox[1].body
