"""'Who to contact' on an offer page names the contact: the theme's mailbox, or the council's
principal adviser once the officer chooses their council, as the support request is routed."""

import re

import pytest
from django.core import mail

from engagements.models import Council, SupportRequest
from offers.models import Offer, Theme
from tests.factories import AdviserFactory

pytestmark = pytest.mark.django_db

OFFER = "recovery-and-renewal-panel"


@pytest.fixture
def offer():
    return Offer.objects.select_related("theme").get(slug=OFFER)


@pytest.fixture
def pat():
    return AdviserFactory(name="Pat Adviser", email="pat@example.org", phone="020 7664 3000", councils=["E06000001"])


def contact_paragraph(response) -> str:
    match = re.search(r'<p class="govuk-body" id="contact-for-council">(.*?)</p>', response.content.decode(), re.S)
    assert match, "no contact named for the council"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_without_a_council_the_page_gives_the_themes_mailbox_and_a_council_picker(client, offer):
    Theme.objects.filter(pk=offer.theme_id).update(contact_email="panels@local.gov.uk")
    Offer.objects.filter(pk=offer.pk).update(contact_email="")
    html = client.get(offer.get_absolute_url()).content.decode()
    assert (
        f'<a class="govuk-link" href="mailto:panels@local.gov.uk">panels@local.gov.uk</a>, the {offer.theme.name} team'
        in html
    )
    assert '<form method="get" action="/offers/recovery-and-renewal-panel/#contact"' in html
    assert '<select name="council"' in html and "Show who to contact" in html


def test_choosing_a_council_names_its_principal_adviser(client, offer, pat):
    response = client.get(offer.get_absolute_url(), {"council": "E06000001"})
    assert response.status_code == 200
    assert contact_paragraph(response) == (
        "For Hartlepool, contact Pat Adviser, its principal adviser: pat@example.org, 020 7664 3000. "
        "A request for this offer from Hartlepool goes to them."
    )


def test_a_council_without_an_adviser_gets_the_themes_mailbox(client, offer):
    Theme.objects.filter(pk=offer.theme_id).update(contact_email="panels@local.gov.uk")
    Offer.objects.filter(pk=offer.pk).update(contact_email="")
    Council.objects.filter(gss_code="E06000002").update(adviser=None)
    response = client.get(offer.get_absolute_url(), {"council": "E06000002"})
    assert contact_paragraph(response) == (
        f"For Middlesbrough, contact the {offer.theme.name} team: panels@local.gov.uk. "
        "A request for this offer from Middlesbrough goes to this address."
    )


def test_the_page_and_the_request_agree_on_who_receives_it(client, offer, pat, django_capture_on_commit_callbacks):
    named = contact_paragraph(client.get(offer.get_absolute_url(), {"council": "E06000001"}))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/offers/{OFFER}/request/",
            {"council": "E06000001", "name": "Sam Officer", "email": "sam@hartlepool.example", "consent": "on"},
        )
    assert SupportRequest.objects.get().assigned_adviser == pat
    to_adviser = next(m for m in mail.outbox if m.subject.startswith("Support request"))
    assert to_adviser.to == ["pat@example.org"] and "pat@example.org" in named


def test_a_former_council_is_answered_with_its_successor(client, offer):
    response = client.get(offer.get_absolute_url(), {"council": "E07000163"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="contact-council-error"' in html
    assert "Craven was replaced by North Yorkshire in April 2023: choose North Yorkshire." in html
    assert 'id="contact-for-council"' not in html


def test_an_unknown_council_asks_for_a_council_next_to_the_field(client, offer):
    response = client.get(offer.get_absolute_url(), {"council": "E99999999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="contact-council-error"' in html and "Choose your council" in html


def test_the_page_with_a_council_makes_a_fixed_number_of_queries(client, offer, pat, django_assert_num_queries):
    # Offer, audiences, formats, items, publications, take-up, related; the picker (2); the council
    # chosen, with its adviser (the page state is in the cache).
    with django_assert_num_queries(10):
        client.get(offer.get_absolute_url(), {"council": "E06000001"})


def test_the_etag_changes_when_the_councils_adviser_changes(client, offer, pat):
    url = offer.get_absolute_url()
    etag = client.get(url, {"council": "E06000001"})["ETag"]
    assert client.get(url, {"council": "E06000001"}, headers={"if-none-match": etag}).status_code == 304
    other = AdviserFactory(name="Robin Adviser", email="robin@example.org")
    council = Council.objects.get(gss_code="E06000001")
    council.adviser = other
    council.save()  # as the admin saves it: modified_at moves
    response = client.get(url, {"council": "E06000001"}, headers={"if-none-match": etag})
    assert response.status_code == 200 and "Robin Adviser" in contact_paragraph(response)
