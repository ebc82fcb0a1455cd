"""The public "request this support" form, its confirmation page, its email and its spam limits."""

import pytest
from django.core import mail, signing

from engagements.models import Council, SupportRequest
from engagements.public.forms import (
    CHOOSE_COUNCIL,
    CONSENT_REQUIRED,
    EMAIL_INVALID,
    ENTER_EMAIL,
    ENTER_NAME,
    MESSAGE_TOO_LONG,
    REQUEST_FAILED_SPAM_CHECK,
)
from engagements.public.offer_views import CONFIRMATION_SALT
from engagements.services import REQUEST_RATE_LIMITED
from offers.models import Offer
from tests.factories import AdviserFactory

pytestmark = pytest.mark.django_db

OFFER = "recovery-and-renewal-panel"
URL = f"/offers/{OFFER}/request/"


@pytest.fixture
def adviser():
    return AdviserFactory(name="Pat Adviser", email="pat@example.org", phone="020 7664 3000", councils=["E06000001"])


@pytest.fixture
def hartlepool(adviser):
    return Council.objects.get(gss_code="E06000001")


def answers(**overrides):
    data = {
        "council": "E06000001",
        "name": "Sam Officer",
        "role": "Chief executive",
        "email": "sam@hartlepool.example",
        "message": "We'd like a panel in the spring.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def send(client, capture, **overrides):
    with capture(execute=True):
        return client.post(URL, answers(**overrides))


def test_the_form_asks_for_council_name_role_email_message_and_consent(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("council", "name", "role", "email", "message", "consent"):
        assert f'name="{name}"' in html
    assert 'value="E06000001"' in html and 'value="E07000026"' not in html  # active councils only
    assert 'data-module="app-council-autocomplete"' in html
    assert "accessible-autocomplete.min.js" in html and "council-picker.js" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "ETag" not in response  # a form with a CSRF token is never answered 304


def test_a_request_is_stored_emailed_to_the_councils_adviser_and_confirmed(
    client, hartlepool, django_capture_on_commit_callbacks
):
    response = send(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert (request.council, request.offer.slug, request.name, request.role) == (
        hartlepool,
        OFFER,
        "Sam Officer",
        "Chief executive",
    )
    assert request.email == "sam@hartlepool.example" and request.consent
    assert request.assigned_adviser.email == "pat@example.org"

    assert len(mail.outbox) == 2  # the adviser's, and the requester's confirmation
    email = mail.outbox[0]
    assert email.to == ["pat@example.org"]
    assert request.reference in email.subject and "Hartlepool" in email.subject
    assert "We'd like a panel in the spring." in email.body

    confirmation = client.get(response["Location"])
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Request sent" in html and request.reference in html
    assert "Pat Adviser" in html
    assert "no-store" in confirmation["Cache-Control"] or "no-cache" in confirmation["Cache-Control"]


def test_without_an_adviser_the_request_goes_to_the_offers_contact(client, django_capture_on_commit_callbacks):
    council = Council.objects.active().filter(adviser__isnull=True).first()
    response = send(client, django_capture_on_commit_callbacks, council=council.gss_code)
    assert response.status_code == 302
    assert mail.outbox[0].to == [Offer.objects.get(slug=OFFER).effective_contact_email]
    html = client.get(response["Location"]).content.decode()
    assert "has no principal adviser on record" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"council": ""}, "council", CHOOSE_COUNCIL),
        ({"council": "E99999999"}, "council", CHOOSE_COUNCIL),
        ({"name": ""}, "name", ENTER_NAME),
        ({"name": "   "}, "name", ENTER_NAME),
        ({"email": ""}, "email", ENTER_EMAIL),
        ({"email": "not-an-email"}, "email", EMAIL_INVALID),
        ({"consent": None}, "consent", CONSENT_REQUIRED),
        ({"message": "x" * 5001}, "message", MESSAGE_TOO_LONG),
    ],
)
def test_errors_are_named_by_the_field_and_what_was_typed_is_kept(
    client, hartlepool, django_capture_on_commit_callbacks, overrides, field, message
):
    response = send(client, django_capture_on_commit_callbacks, **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "There is a problem" in html and f'href="#id_{field}"' in html
    assert f'id="id_{field}-error"' in html
    assert "<title>Error: " in html
    if field != "role":
        assert 'value="Chief executive"' in html  # the rest of the answers are kept
    if field != "council":
        assert '<option value="E06000001" selected>' in html
    assert not SupportRequest.objects.exists() and not mail.outbox


def test_an_inactive_council_is_refused_with_the_services_reason(client, django_capture_on_commit_callbacks):
    response = send(client, django_capture_on_commit_callbacks, council="E07000026")
    assert response.context["form"].errors["council"] == [
        "Allerdale was replaced by Cumberland in April 2023: choose Cumberland."
    ]
    assert not SupportRequest.objects.exists()


def test_a_request_for_an_unpublished_offer_is_refused(client, hartlepool, django_capture_on_commit_callbacks):
    Offer.objects.filter(slug=OFFER).update(is_published=False)
    response = send(client, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not SupportRequest.objects.exists() and not mail.outbox


def test_the_services_offer_refusal_shows_above_the_form(client, hartlepool, monkeypatch):
    """If the offer is withdrawn between loading and saving, the service's reason is shown."""
    from django.core.exceptions import ValidationError

    from engagements.public import offer_views
    from offers.models import OFFER_UNPUBLISHED as REQUEST_OFFER_UNAVAILABLE

    def refuse(**kwargs):
        raise ValidationError({"offer": REQUEST_OFFER_UNAVAILABLE})

    monkeypatch.setattr(offer_views, "support_request_create", refuse)
    response = client.post(URL, answers())
    assert response.context["form"].non_field_errors() == [REQUEST_OFFER_UNAVAILABLE]
    assert REQUEST_OFFER_UNAVAILABLE in response.content.decode()


def test_a_filled_honeypot_is_refused_and_nothing_is_stored_or_sent(
    client, hartlepool, django_capture_on_commit_callbacks
):
    response = send(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [REQUEST_FAILED_SPAM_CHECK]
    assert not SupportRequest.objects.exists() and not mail.outbox
    assert "http://spam.example" not in response.content.decode()  # shown empty, so a person can resend


def test_requests_per_address_per_hour_are_limited_and_the_refusal_says_why(
    client, hartlepool, settings, django_capture_on_commit_callbacks
):
    limit = settings.PORTAL["SUPPORT_REQUESTS_PER_HOUR"]
    for _ in range(limit):
        assert send(client, django_capture_on_commit_callbacks).status_code == 302
    response = send(client, django_capture_on_commit_callbacks, email="SAM@Hartlepool.example")
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [REQUEST_RATE_LIMITED.format(limit=limit)]
    assert "please wait an hour" in response.content.decode()
    assert SupportRequest.objects.count() == limit and len(mail.outbox) == 2 * limit  # adviser and requester
    # Another address is not held up.
    assert send(client, django_capture_on_commit_callbacks, email="someone@else.example").status_code == 302


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "'; DROP TABLE engagements_supportrequest; --"])
def test_hostile_text_is_stored_as_typed_and_shown_escaped(
    client, hartlepool, django_capture_on_commit_callbacks, text
):
    response = send(client, django_capture_on_commit_callbacks, name=text, message=text)
    assert response.status_code == 302
    assert SupportRequest.objects.get().name == text
    response = send(client, django_capture_on_commit_callbacks, name=text, email="")
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_nul_characters_are_refused_not_a_server_error(client, hartlepool, django_capture_on_commit_callbacks):
    response = send(client, django_capture_on_commit_callbacks, name="Sam\x00", council="E06\x00")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "council"}


def test_the_confirmation_address_cannot_be_guessed_or_reused_for_another_offer(
    client, hartlepool, django_capture_on_commit_callbacks
):
    location = send(client, django_capture_on_commit_callbacks)["Location"]
    request = SupportRequest.objects.get()
    token = location.rstrip("/").rsplit("/", 1)[1]
    assert signing.loads(token, salt=CONFIRMATION_SALT) == request.reference
    assert request.reference not in location  # only signed

    for url in [
        f"/offers/{OFFER}/request/sent/{request.reference}/",
        f"/offers/{OFFER}/request/sent/{token}x/",
        f"/offers/{OFFER}/request/sent/{signing.dumps(request.reference)}/",  # wrong salt
        f"/offers/corporate-peer-challenge/request/sent/{token}/",
    ]:
        assert client.get(url).status_code == 404, url


def test_an_expired_confirmation_is_not_found(client, hartlepool, django_capture_on_commit_callbacks, monkeypatch):
    from engagements.public import offer_views

    location = send(client, django_capture_on_commit_callbacks)["Location"]
    monkeypatch.setattr(offer_views, "CONFIRMATION_MAX_AGE", -1)
    assert client.get(location).status_code == 404


def test_request_form_queries_are_fixed(client, django_assert_num_queries):
    # Offer with theme, active councils for the picker, councils they replaced.
    with django_assert_num_queries(3):
        client.get(URL)
