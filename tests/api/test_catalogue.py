"""The catalogue through the API: every field, filters that match the catalogue pages, search, visibility."""

import datetime

import pytest
from django.utils import timezone

from offers.models import Audience, Format, Offer, OfferStatus, Theme

pytestmark = pytest.mark.django_db
OFFERS = "/api/v1/offers/"


def slugs(response):
    assert response.status_code == 200, response.json()
    return {row["slug"] for row in response.json()["results"]}


def published(**filters):
    return set(Offer.objects.published().filter(**filters).values_list("slug", flat=True))


def test_every_published_offer_with_its_related_fields(api):
    response = api.get(OFFERS, {"page_size": 1000})
    body = response.json()
    assert body["count"] == Offer.objects.published().count() == 117
    offer = Offer.objects.with_related().get(slug=body["results"][0]["slug"])
    row = body["results"][0]
    assert row["theme"] == {"id": offer.theme.pk, "slug": offer.theme.slug, "name": offer.theme.name}
    assert row["items"] == [item.text for item in offer.items.all()]
    assert [a["slug"] for a in row["audiences"]] == [a.slug for a in offer.audiences.all()]
    assert row["contact_email"] == offer.effective_contact_email
    assert row["url"].endswith(f"/api/v1/offers/{offer.slug}/")
    assert api.get(row["url"]).json() == row


def test_unpublished_offers_are_for_staff_roles_only(api, client_for, analyst):
    offer = Offer.objects.published().first()
    Offer.objects.filter(pk=offer.pk).update(is_published=False)
    assert offer.slug not in slugs(api.get(OFFERS, {"page_size": 1000}))
    assert api.get(f"{OFFERS}{offer.slug}/").status_code == 404
    assert offer.slug in slugs(client_for(analyst).get(OFFERS, {"page_size": 1000}))


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"theme": "leadership"}, lambda: published(theme__slug="leadership")),
        (
            {"theme": ["leadership", "workforce"]},
            lambda: published(theme__slug__in=["leadership", "workforce"]),
        ),
        ({"audience": "councillors"}, lambda: published(audiences__slug="councillors")),
        ({"offer_format": "coaching-and-mentoring"}, lambda: published(formats__slug="coaching-and-mentoring")),
        ({"status": "coming_soon"}, lambda: published(status=OfferStatus.COMING_SOON)),
        ({"delivery": "online_resource"}, lambda: published(delivery="online_resource")),
    ],
)
def test_filters_match_the_catalogue(api, query, expected):
    assert slugs(api.get(OFFERS, {**query, "page_size": 1000})) == expected()
    assert expected(), "the filter should match something in the seeded catalogue"


def test_updated_since(api):
    recent = Offer.objects.published().order_by("id")[:3]
    Offer.objects.exclude(pk__in=[o.pk for o in recent]).update(
        modified_at=timezone.now() - datetime.timedelta(days=30)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert slugs(api.get(OFFERS, {"updated_since": since})) == {o.slug for o in recent}


def test_search_is_the_catalogue_search_best_first(api):
    response = api.get(OFFERS, {"search": "coaching"})
    expected = list(
        Offer.objects.published().search("coaching").order_by("-rank", "title").values_list("slug", flat=True)
    )
    assert [row["slug"] for row in response.json()["results"]] == expected
    assert expected


def test_ordering(api):
    titles = [row["title"] for row in api.get(OFFERS, {"ordering": "-title", "page_size": 1000}).json()["results"]]
    assert titles == sorted(titles, reverse=True)


def test_themes_count_their_published_offers(api):
    rows = {row["slug"]: row for row in api.get("/api/v1/themes/").json()["results"]}
    assert len(rows) == Theme.objects.count() == 17
    assert rows["leadership"]["offer_count"] == Offer.objects.published().filter(theme__slug="leadership").count()


def test_audiences_and_formats(api):
    assert api.get("/api/v1/audiences/").json()["count"] == Audience.objects.count()
    assert (
        api.get("/api/v1/formats/coaching-and-mentoring/").json()["name"]
        == Format.objects.get(slug="coaching-and-mentoring").name
    )


@pytest.mark.parametrize("q", ["!!!", "\U0010f4cf", "   "])
def test_searching_for_no_words_is_not_an_error(api, q):
    response = api.get(OFFERS, {"search": q})
    assert response.status_code == 200
