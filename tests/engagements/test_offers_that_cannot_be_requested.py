"""Offers that cannot be given cannot be requested: suspended, closed and not-yet-available offers
say so in place of the "Request this support" button, point to offers of the same theme that can
be requested, and a request for one is refused with that reason."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from engagements.models import SupportRequest
from engagements.services import support_request_create
from offers.models import OFFER_NOT_REQUESTABLE, Offer, OfferStatus
from tests.factories import AdviserFactory

pytestmark = pytest.mark.django_db

OFFER = "recovery-and-renewal-panel"
PAGE = f"/offers/{OFFER}/"
FORM = f"/offers/{OFFER}/request/"

STATEMENTS = {
    OfferStatus.SUSPENDED: "This offer is suspended, so it cannot be requested at the moment.",
    OfferStatus.CLOSED: "This offer has closed, so it can no longer be requested.",
    OfferStatus.COMING_SOON: "This offer is not available yet, so it cannot be requested.",
    OfferStatus.IN_DEVELOPMENT: "This offer is still being developed, so it cannot be requested yet.",
}


@pytest.fixture(autouse=True)
def hartlepools_adviser():
    return AdviserFactory(name="Pat Adviser", email="pat@example.org", councils=["E06000001"])


def answers(**overrides):
    data = {"council": "E06000001", "name": "Sam Officer", "email": "sam@hartlepool.example", "consent": "on"}
    return {**data, **overrides}


def set_status(status):
    Offer.objects.filter(slug=OFFER).update(status=status)


def test_the_wording_is_one_table_with_a_statement_for_every_status_but_available():
    assert OFFER_NOT_REQUESTABLE == STATEMENTS
    assert set(OFFER_NOT_REQUESTABLE) == set(OfferStatus) - {OfferStatus.AVAILABLE}


@pytest.mark.parametrize("status", list(STATEMENTS))
def test_the_offer_page_says_so_in_place_of_the_button(client, status):
    set_status(status)
    html = client.get(PAGE).content.decode()
    assert STATEMENTS[status] in html
    assert "Request this support" not in html and FORM not in html


def test_it_points_to_offers_of_the_same_theme_that_can_be_requested(client):
    set_status(OfferStatus.SUSPENDED)
    offer = Offer.objects.get(slug=OFFER)
    response = client.get(PAGE)
    alternatives = list(response.context["alternatives"])
    assert alternatives
    assert all(o.theme_id == offer.theme_id and o.status == OfferStatus.AVAILABLE for o in alternatives)
    html = response.content.decode()
    assert f"You can request these {offer.theme.name} offers now:" in html
    assert f'href="{alternatives[0].get_absolute_url()}">{alternatives[0].title}</a>' in html


def test_with_no_alternative_in_the_theme_it_links_to_every_offer_that_can_be_requested(client):
    offer = Offer.objects.get(slug=OFFER)
    Offer.objects.filter(theme=offer.theme).update(status=OfferStatus.CLOSED)
    html = client.get(PAGE).content.decode()
    assert f"No other {offer.theme.name} offer can be requested at the moment" in html
    assert 'href="/offers/?status=available">see every offer you can request</a>' in html


def test_an_available_offer_keeps_its_button(client):
    set_status(OfferStatus.AVAILABLE)
    html = client.get(PAGE).content.decode()
    assert "Request this support" in html and f'href="{FORM}"' in html
    assert 'id="request-unavailable"' not in html


def test_the_request_form_of_a_closed_offer_says_so_instead_of_asking(client):
    set_status(OfferStatus.CLOSED)
    response = client.get(FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert STATEMENTS[OfferStatus.CLOSED] in html
    assert 'name="email"' not in html


def test_a_request_for_a_suspended_offer_is_refused_with_the_reason(client, django_capture_on_commit_callbacks):
    set_status(OfferStatus.SUSPENDED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, answers())
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and STATEMENTS[OfferStatus.SUSPENDED] in html
    assert not SupportRequest.objects.exists() and not mail.outbox


def test_a_request_sent_after_the_offer_was_suspended_while_the_form_was_open_is_refused(
    client, django_capture_on_commit_callbacks
):
    set_status(OfferStatus.AVAILABLE)
    form_page = client.get(FORM).content.decode()
    assert 'name="email"' in form_page
    set_status(OfferStatus.SUSPENDED)  # an editor suspends it while the officer types
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, answers())
    assert STATEMENTS[OfferStatus.SUSPENDED] in response.content.decode()
    assert not SupportRequest.objects.exists() and not mail.outbox


def test_the_service_refuses_with_the_same_wording_even_given_a_stale_offer(hartlepools_adviser):
    offer = Offer.objects.get(slug=OFFER)
    assert offer.status == OfferStatus.AVAILABLE
    set_status(OfferStatus.COMING_SOON)  # the object in hand still says available
    council = hartlepools_adviser.councils.get()
    with pytest.raises(ValidationError) as error:
        support_request_create(council=council, offer=offer, name="Sam", email="sam@example.org", consent=True)
    assert error.value.message_dict["offer"] == [STATEMENTS[OfferStatus.COMING_SOON]]
