"""Public pages served by the engagements app: home, offer page, council register and council page."""

import datetime

import pytest
from django.utils import timezone

from engagements.models import Council, EngagementStatus
from engagements.services import engagement_archive
from offers.models import Audience, Offer, OfferItem, OfferStatus, Theme
from tests.factories import AdviserFactory, EngagementFactory

pytestmark = pytest.mark.django_db

COACHING_OFFER = "emergency-coaching-and-mentoring-support"


@pytest.fixture
def adviser():
    return AdviserFactory(name="Pat Adviser", email="pat@example.org", phone="020 7664 3000", councils=["E06000001"])


@pytest.fixture
def hartlepool(adviser):
    return Council.objects.get(gss_code="E06000001")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


# --- Home ----------------------------------------------------------------------------


def test_home_shows_themes_with_available_counts_newest_offers_search_and_adviser_finder(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    leadership = Theme.objects.get(slug="leadership")
    available = leadership.offers.published().filter(status=OfferStatus.AVAILABLE).count()
    assert {t.slug: t.available for t in response.context["themes"]}["leadership"] == available
    assert f"{available} available offers" in html
    assert len(response.context["themes"]) == Theme.objects.count()
    assert 'action="/offers/"' in html and 'name="q"' in html
    newest = Offer.objects.published().order_by("-created_at", "-pk").first()
    assert newest.get_absolute_url() in html
    assert "Find your principal adviser" in html


def test_the_adviser_finder_offers_active_councils_only(client):
    html = client.get("/").content.decode()
    assert 'value="E06000001"' in html  # Hartlepool
    assert 'value="E07000026"' not in html  # Allerdale, abolished in 2023
    # Each council once, again under each former name ("North Yorkshire (replaced Craven in
    # April 2023)"), and "Choose your council".
    replaced = Council.successors.through.objects.count()
    assert html.count("<option") == Council.objects.active().count() + replaced + 1


def test_finding_an_adviser_goes_to_the_councils_page(client, hartlepool):
    response = client.get("/", {"council": "E06000001"})
    assert response.status_code == 302
    assert response["Location"] == "/councils/E06000001/#principal-adviser"
    page = client.get(response["Location"])
    assert "Pat Adviser" in page.content.decode() and "mailto:pat@example.org" in page.content.decode()


@pytest.mark.parametrize("value", ["", "nonsense", "E99999999", "<b>x</b>"])
def test_finding_an_adviser_without_a_council_says_what_to_do(client, value):
    response = client.get("/", {"council": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Choose your council" in html
    assert 'href="#find-adviser-council"' in html
    assert "<b>x</b>" not in html


def test_home_answers_304_until_the_catalogue_or_councils_change(client):
    etag = client.get("/")["ETag"]
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304
    council = Council.objects.get(gss_code="E06000001")
    council.name = "Hartlepool Borough"
    council.save()
    assert client.get("/", headers={"if-none-match": etag}).status_code == 200


def test_home_queries_are_fixed(client, django_assert_num_queries):
    # Themes with counts, newest offers, active councils, councils they replaced (the page state
    # is in the cache); the same page again comes from the cache.
    with django_assert_num_queries(4):
        client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


# --- Offer page ------------------------------------------------------------------------


def test_offer_page_shows_the_whole_offer(client):
    offer = Offer.objects.with_related().get(slug=COACHING_OFFER)
    response = client.get(offer.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert offer.get_absolute_url() == f"/offers/{COACHING_OFFER}/"
    for text in [offer.title, offer.theme.name, "Available", "Remote", "SOLACE", "Who to contact"]:
        assert text in html
    for audience in offer.audiences.all():
        assert audience.name in html
    for fmt in offer.formats.all():
        assert fmt.name in html
    assert f'href="/offers/{COACHING_OFFER}/request/"' in html and "Request this support" in html
    assert {o.theme_id for o in response.context["related_offers"]} == {offer.theme_id}
    assert offer not in response.context["related_offers"]


def test_offer_page_lists_what_it_includes_and_the_contact_email(client):
    offer = Offer.objects.get(slug="recovery-and-renewal-panel")
    response = client.get(offer.get_absolute_url())
    html = response.content.decode()
    for item in offer.items.all():
        assert item.text in html
    assert "mailto:PeerChallenge@local.gov.uk" in html


def test_offer_page_counts_councils_that_took_it_up_in_the_last_12_months(client, hartlepool, adviser):
    offer = Offer.objects.get(slug=COACHING_OFFER)
    darlington = Council.objects.get(gss_code="E06000005")
    EngagementFactory(council=hartlepool, adviser=adviser, offers=[offer], date=days_ago(10))
    EngagementFactory(council=hartlepool, adviser=adviser, offers=[offer], date=days_ago(40))  # same council again
    EngagementFactory(council=darlington, adviser=adviser, offers=[offer], date=days_ago(300))
    middlesbrough = Council.objects.get(gss_code="E06000002")
    EngagementFactory(council=middlesbrough, adviser=adviser, offers=[offer], date=days_ago(400))  # too long ago
    EngagementFactory(
        council=middlesbrough, adviser=adviser, offers=[offer], date=days_ago(5), status=EngagementStatus.PLANNED
    )
    archived = EngagementFactory(council=middlesbrough, adviser=adviser, offers=[offer], date=days_ago(5))
    engagement_archive(engagement=archived, user=None)
    response = client.get(offer.get_absolute_url())
    assert response.context["take_up"] == 2
    assert "2 councils took this up in the last 12 months" in response.content.decode()


def test_offer_page_shows_no_take_up_plainly(client):
    response = client.get(f"/offers/{COACHING_OFFER}/")
    assert "No councils took this up in the last 12 months" in response.content.decode()


def test_unpublished_or_unknown_offers_are_not_found(client):
    Offer.objects.filter(slug=COACHING_OFFER).update(is_published=False)
    for url in (f"/offers/{COACHING_OFFER}/", f"/offers/{COACHING_OFFER}/request/", "/offers/nope/"):
        response = client.get(url)
        assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_offer_page_answers_304_until_the_offer_or_its_take_up_changes(client, hartlepool, adviser):
    url = f"/offers/{COACHING_OFFER}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    EngagementFactory(
        council=hartlepool, adviser=adviser, offers=[Offer.objects.get(slug=COACHING_OFFER)], date=days_ago(10)
    )
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200 and response.context["take_up"] == 1


def test_offer_page_queries_do_not_grow_with_items_and_audiences(client, django_assert_num_queries):
    offer = Offer.objects.get(slug=COACHING_OFFER)
    url = offer.get_absolute_url()
    # Offer with theme and source, audiences, formats, items, publications, take-up, related, and
    # the "Who to contact" council picker (active councils, councils they replaced); the page
    # state is in the cache.
    expected = 9
    with django_assert_num_queries(expected):
        client.get(url)
    with django_assert_num_queries(0):
        client.get(url)
    OfferItem.objects.bulk_create(OfferItem(offer=offer, text=f"Extra item {i}", order=100 + i) for i in range(40))
    offer.audiences.set(Audience.objects.all())  # m2m_changed: the catalogue has changed
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert "Extra item 39" in response.content.decode()


# --- Council register and council page ----------------------------------------------------


def test_council_register_lists_active_councils_by_name(client):
    response = client.get("/councils/")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == Council.objects.active().count() == 317
    names = [c.name for c in response.context["councils"]]
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=hartle", {"E06000001"}),
        ("q=E08000035", {"E08000035"}),
        ("q=e08000035", {"E08000035"}),
        ("q=allerdale", {"E06000063"}),  # Cumberland, which replaced it
        ("q=allerdale&abolished=1", {"E07000026", "E06000063"}),
    ],
)
def test_council_register_search(client, query, expected):
    response = client.get(f"/councils/?{query}")
    assert {c.gss_code for c in response.context["councils"]} == expected


def test_council_register_filters_by_region_and_kind(client):
    response = client.get("/councils/?region=north-east&kind=unitary")
    councils = list(response.context["page_obj"].paginator.object_list)
    expected = Council.objects.active().filter(region__slug="north-east", kind="unitary")
    assert {c.pk for c in councils} == set(expected.values_list("pk", flat=True))
    assert councils


def test_council_register_ignores_unknown_filters_and_keeps_the_rest(client):
    response = client.get("/councils/?region=atlantis&kind=unitary&page=999&q=%00")
    assert response.status_code == 200
    councils = response.context["page_obj"].paginator.object_list
    assert {c.kind for c in councils} == {"unitary"}
    assert response.context["form"].cleaned_data["kind"] == "unitary"
    assert response.context["form"].cleaned_data["region"] == ""
    assert response.context["page_obj"].number == response.context["page_obj"].paginator.num_pages


def test_council_register_queries_are_fixed(client, django_assert_num_queries, adviser):
    Council.objects.filter(region__slug="london").update(adviser=adviser)
    # Regions for the filter, count, page (with region and adviser).
    with django_assert_num_queries(3):
        client.get("/councils/?region=london")


def test_council_page_shows_kind_region_parent_and_adviser(client, adviser):
    district = Council.objects.filter(kind="district", is_active=True, parent__isnull=False).first()
    district.adviser = adviser
    district.save()
    response = client.get(f"/councils/{district.gss_code}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in [district.name, "District council", district.region.name, district.parent.name, "Pat Adviser"]:
        assert text in html
    assert "mailto:pat@example.org" in html and 'href="tel:02076643000"' in html


def test_abolished_council_page_names_its_successor(client):
    response = client.get("/councils/E07000026/")
    html = response.content.decode()
    assert "was abolished on 1 April 2023" in html
    assert 'href="/councils/E06000063/"' in html  # Cumberland


def test_county_page_lists_its_districts_and_a_new_unitary_its_predecessors(client):
    county = Council.objects.filter(kind="county", is_active=True, districts__isnull=False).distinct().first()
    html = client.get(county.get_absolute_url()).content.decode()
    district = county.districts.filter(is_active=True).first()
    assert district.get_absolute_url() in html
    html = client.get("/councils/E06000063/").content.decode()
    assert 'href="/councils/E07000026/"' in html


def test_council_page_shows_nothing_private(client, hartlepool, adviser):
    offer = Offer.objects.get(slug=COACHING_OFFER)
    EngagementFactory(
        council=hartlepool,
        adviser=adviser,
        offers=[offer],
        date=days_ago(10),
        summary="Shared summary text",
        private_notes="Secret note text",
    )
    html = client.get("/councils/E06000001/").content.decode()
    assert "Secret note text" not in html and "Shared summary text" not in html


def test_council_page_by_slug_or_lower_case_code_redirects_to_the_code(client):
    assert client.get("/councils/hartlepool/")["Location"] == "/councils/E06000001/"
    assert client.get("/councils/e06000001/")["Location"] == "/councils/E06000001/"
    for url in ("/councils/E06999999/", "/councils/nowhere/", "/councils/%3Cscript%3E/"):
        assert client.get(url).status_code == 404


def test_council_page_queries_are_fixed(client, django_assert_num_queries, hartlepool):
    # Council with region, parent and adviser; successors, predecessors, districts.
    with django_assert_num_queries(4):
        client.get("/councils/E06000001/")
    county = Council.objects.filter(kind="county", is_active=True).first()
    with django_assert_num_queries(4):
        response = client.get(county.get_absolute_url())
    assert response.status_code == 200
    # Anonymous visitors' council pages come from the cache the second time.
    with django_assert_num_queries(0):
        assert client.get(county.get_absolute_url()).status_code == 200
