"""The public catalogue list (/offers/) and theme pages (/themes/<slug>/)."""

import itertools
import re
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.autoreload import file_changed

from lga_portal import page_cache
from offers import selectors
from offers.models import Audience, Delivery, Format, Offer, OfferItem, OfferStatus, Synonym, Theme
from offers.templatetags import catalogue_filters
from offers.views import OFFERS_PER_PAGE

pytestmark = pytest.mark.django_db

COACHING_OFFER = "emergency-coaching-and-mentoring-support"


def without_nonces(response) -> bytes:
    """The page less its CSP nonces, which differ on every request, cached or not."""
    return re.sub(rb'nonce="[^"]*"', b"", response.content)


def listed_slugs(response) -> list[str]:
    return [offer.slug for offer in response.context["offers"]]


def all_listed_slugs(client, query: str) -> list[str]:
    """Every offer a filtered list shows, across its pages."""
    slugs, page = [], 1
    while True:
        response = client.get(f"/offers/?{query}&page={page}")
        slugs += listed_slugs(response)
        if not response.context["page_obj"].has_next():
            return slugs
        page += 1


def test_catalogue_lists_published_offers_with_count_and_details(client):
    hidden = Offer.objects.get(slug=COACHING_OFFER)
    hidden.is_published = False
    hidden.save()
    response = client.get("/offers/")
    assert response.status_code == 200
    published = Offer.objects.published().count()
    assert response.context["page_obj"].paginator.count == published
    assert f"{published} offers" in response.content.decode()
    assert len(listed_slugs(response)) == OFFERS_PER_PAGE
    assert COACHING_OFFER not in all_listed_slugs(client, "")
    first = Offer.objects.published().order_by("title").first()
    html = response.content.decode()
    assert first.get_absolute_url() in html
    assert "govuk-tag" in html and first.theme.name in html


@pytest.mark.parametrize(
    ("name", "value", "matches"),
    [
        ("theme", "leadership", lambda o: o.theme.slug == "leadership"),
        ("audience", "chief-executives", lambda o: "chief-executives" in {a.slug for a in o.audiences.all()}),
        ("format", "coaching-and-mentoring", lambda o: "coaching-and-mentoring" in {f.slug for f in o.formats.all()}),
        ("status", OfferStatus.COMING_SOON, lambda o: o.status == OfferStatus.COMING_SOON),
        ("delivery", Delivery.ONLINE_RESOURCE, lambda o: o.delivery == Delivery.ONLINE_RESOURCE),
    ],
)
def test_each_filter_shows_exactly_the_matching_offers(client, name, value, matches):
    expected = {o.slug for o in Offer.objects.published().with_related() if matches(o)}
    assert expected, "the seeded catalogue should have offers for this filter"
    listed = all_listed_slugs(client, f"{name}={value}")
    assert sorted(listed) == sorted(expected)


def test_values_of_one_filter_widen_and_filters_combine(client):
    leadership = set(Offer.objects.published().filter(theme__slug="leadership").values_list("slug", flat=True))
    workforce = set(Offer.objects.published().filter(theme__slug="workforce").values_list("slug", flat=True))
    assert set(all_listed_slugs(client, "theme=leadership&theme=workforce")) == leadership | workforce

    for theme, audience, fmt, status, delivery in itertools.product(
        ["", "leadership"], ["", "chief-executives"], ["", "coaching-and-mentoring"], ["", "available"], ["", "remote"]
    ):
        offers = Offer.objects.published()
        query = []
        if theme:
            offers, query = offers.filter(theme__slug=theme), [*query, f"theme={theme}"]
        if audience:
            offers, query = offers.filter(audiences__slug=audience), [*query, f"audience={audience}"]
        if fmt:
            offers, query = offers.filter(formats__slug=fmt), [*query, f"format={fmt}"]
        if status:
            offers, query = offers.filter(status=status), [*query, f"status={status}"]
        if delivery:
            offers, query = offers.filter(delivery=delivery), [*query, f"delivery={delivery}"]
        expected = sorted(set(offers.values_list("slug", flat=True)))
        assert sorted(all_listed_slugs(client, "&".join(query))) == expected, query


def test_filter_choices_are_kept_in_the_form_and_the_pagination_links(client):
    response = client.get("/offers/?status=available&page=2")
    html = response.content.decode()
    assert 'value="available"' in html and "checked" in html
    assert "?status=available&amp;page=1" in html or "?status=available&amp;page=3" in html


def test_the_filter_panel_ticks_what_is_picked_and_follows_an_edit_at_once(client):
    """The panel is rendered once per field, choices and picks, and kept: picks and edits still show."""
    html = client.get("/offers/").content.decode()
    assert re.search(r'<input [^>]*name="theme" value="leadership" id="id_theme_\d+">', html)
    picked = client.get("/offers/?theme=leadership&status=available").content.decode()
    assert re.search(r'<input [^>]*name="theme" value="leadership" id="id_theme_\d+" checked>', picked)
    assert re.search(r'<input [^>]*name="status" value="available" id="id_status_\d+" checked>', picked)
    assert "Theme (1 selected)" in picked
    # The first page again: nothing ticked, although the ticked panel was rendered last.
    assert " checked>" not in client.get("/offers/").content.decode()

    theme = Theme.objects.get(slug="leadership")
    theme.name = "Leadership and governance, renamed"
    theme.save()
    html = client.get("/offers/").content.decode()
    assert "Leadership and governance, renamed</label>" in html


def test_the_kept_filter_panels_are_forgotten_when_a_template_is_edited(client):
    """The development server reloads an edited template; the panels rendered from it go too."""
    client.get("/offers/")
    assert catalogue_filters._facet_html.cache_info().currsize > 0
    file_changed.send(sender=None, file_path=Path("templates/offers/includes/filter_facet.html"))
    assert catalogue_filters._facet_html.cache_info().currsize == 0


def test_each_listed_offer_names_its_audiences_and_formats_in_their_order_or_says_there_are_none(client):
    offer = Offer.objects.published().order_by("title").first()
    first, second = Audience.objects.order_by("order", "name")[:2]
    offer.audiences.set([second, first])
    offer.formats.clear()
    for url in ("/offers/", offer.theme.get_absolute_url()):
        response = client.get(url)
        listed = next(o for o in response.context["offers"] if o.pk == offer.pk)
        assert listed.audience_names == [first.name, second.name] and listed.format_names == []
        html = response.content.decode()
        assert f"{first.name}, {second.name}</dd>" in html and "Not stated</dd>" in html, url
    offer.audiences.clear()
    assert "All councils</dd>" in client.get(offer.theme.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("status", "css", "words"),
    [
        (OfferStatus.AVAILABLE, "govuk-tag govuk-tag--green", "Available"),
        (OfferStatus.COMING_SOON, "govuk-tag govuk-tag--blue", "Coming soon"),
        (OfferStatus.SUSPENDED, "govuk-tag govuk-tag--orange", "Suspended"),
        (OfferStatus.CLOSED, "govuk-tag govuk-tag--grey", "Closed"),
    ],
)
def test_each_listed_offer_shows_its_status_as_a_coloured_tag(client, status, css, words):
    offer = Offer.objects.published().order_by("title").first()
    offer.status = status
    offer.save()
    for url in ("/offers/", offer.get_absolute_url()):
        html = client.get(url).content.decode()
        assert f'<strong class="{css}">{words}</strong>' in html, url


def test_unknown_filter_values_are_ignored_and_the_rest_kept(client):
    response = client.get(
        "/offers/?theme=no-such-theme&theme=leadership&audience=aliens&status=sold-out&delivery=teleport&sort=random"
    )
    assert response.status_code == 200
    expected = set(Offer.objects.published().filter(theme__slug="leadership").values_list("slug", flat=True))
    assert set(listed_slugs(response)) == expected
    assert response.context["form"].cleaned_data["theme"] == ["leadership"]


@pytest.mark.parametrize("page", ["999", "-1", "abc", "", "2.5", "1e9"])
def test_a_page_number_out_of_range_shows_a_real_page(client, page):
    response = client.get(f"/offers/?page={page}")
    assert response.status_code == 200
    page_obj = response.context["page_obj"]
    if page in ("999", "1e9", "-1"):
        assert page_obj.number in (1, page_obj.paginator.num_pages)
    assert listed_slugs(response)


def test_a_page_past_the_end_shows_the_last_page(client):
    response = client.get("/offers/?page=999")
    page_obj = response.context["page_obj"]
    assert page_obj.number == page_obj.paginator.num_pages > 1


def test_search_finds_offers_by_word_stem(client):
    response = client.get("/offers/?q=coaching")
    assert COACHING_OFFER in listed_slugs(response)
    assert "matching “coaching”" in response.content.decode()
    assert response.context["form"].cleaned_data["sort"] == ""  # relevance is the default when searching


def test_search_and_filters_combine(client):
    response = client.get("/offers/?q=coaching&audience=chief-executives")
    assert listed_slugs(response)[0] == COACHING_OFFER
    for offer in response.context["offers"]:
        assert "chief-executives" in {a.slug for a in offer.audiences.all()}


@pytest.mark.parametrize(
    "q",
    [
        "x" * 1000,
        "'; DROP TABLE offers_offer; --",
        '<script>alert("x")</script>',
        "100% _under_ \\back",
        "coaching\x00 nul",
        "!!! &&& ||| :* ()",
        "   ",
    ],
)
def test_hostile_or_huge_searches_are_safe_and_shown_escaped(client, q):
    response = client.get("/offers/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    if "<script>" in q:
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert Offer.objects.filter(slug=COACHING_OFFER).exists()  # nothing was dropped


def test_a_search_with_no_results_says_so_and_offers_to_clear_filters(client):
    response = client.get("/offers/?q=zebracrossing&theme=leadership&status=available")
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 0
    assert "No offers match your search and filters." in html
    assert 'href="/offers/?q=zebracrossing">clear the filters</a>' in html
    assert 'href="/offers/">see all support offers</a>' in html


def test_sorting_by_title_and_newest(client):
    titles = [o.title for o in client.get("/offers/?sort=title").context["offers"]]
    assert titles == sorted(titles, key=str) or titles == list(
        Offer.objects.published().order_by("title", "pk").values_list("title", flat=True)[:OFFERS_PER_PAGE]
    )
    newest = Offer.objects.get(slug=COACHING_OFFER)
    Offer.objects.filter(pk=newest.pk).update(created_at=timezone.now())
    assert listed_slugs(client.get("/offers/?sort=newest"))[0] == COACHING_OFFER


def test_best_match_is_only_offered_when_searching(client):
    html = client.get("/offers/").content.decode()
    assert 'value="relevance"' not in html
    assert client.get("/offers/?sort=relevance").context["form"].cleaned_data["sort"] == ""
    assert 'value="relevance"' in client.get("/offers/?q=finance").content.decode()


def test_the_best_match_comes_first_on_either_database(client):
    response = client.get("/offers/?q=coaching")
    assert listed_slugs(response) == [COACHING_OFFER, "one-to-one-leadership-development"]
    ranks = [offer.rank for offer in response.context["offers"]]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[1]

    # Stemmed: "coaches" finds "coaching"; the offer with both words in its title comes first.
    assert COACHING_OFFER in listed_slugs(client.get("/offers/?q=coaches"))
    response = client.get("/offers/?q=leadership councillors")
    assert listed_slugs(response)[0] == "one-to-one-leadership-development"


def test_theme_page_shows_summary_contact_and_its_offers(client):
    theme = Theme.objects.get(slug="peer-support")
    response = client.get("/themes/peer-support/")
    html = response.content.decode()
    assert response.status_code == 200
    assert theme.name in html
    assert theme.contact_email and f"mailto:{theme.contact_email}" in html
    expected = set(theme.offers.published().values_list("slug", flat=True))
    assert {o.slug for o in response.context["offers"]} == expected


def test_unknown_theme_or_offer_is_a_404_in_the_layout(client):
    for url in ("/themes/no-such-theme/", "/offers/no-such-offer/"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html and "govuk-header" in html


# --- Cache headers ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/offers/", "/offers/?q=finance&theme=leadership", "/themes/leadership/"])
def test_catalogue_pages_answer_304_until_an_offer_or_theme_changes(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]  # a signed-in visitor's page is never served from this entry

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304

    offer = Offer.objects.get(slug=COACHING_OFFER)
    offer.summary += " Updated."
    offer.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag

    theme = Theme.objects.get(slug="leadership")
    theme.summary += " Updated."
    theme.save()
    assert client.get(url, headers={"if-none-match": changed["ETag"]}).status_code == 200


def test_deleting_an_offer_changes_the_etag(client):
    etag = client.get("/offers/")["ETag"]
    Offer.objects.filter(slug="be-a-councillor").delete()
    assert client.get("/offers/", headers={"if-none-match": etag}).status_code == 200


def test_signed_in_users_get_no_shared_etag(client, make_user):
    client.force_login(make_user("adviser"))
    response = client.get("/offers/")
    assert "ETag" not in response and "private" in response["Cache-Control"]
    assert 'action="/accounts/logout/"' in response.content.decode()


def test_the_page_has_no_inline_script_so_a_cached_copy_keeps_working(client):
    html = client.get("/offers/").content.decode()
    assert '<script src="/static/js/govuk-init.js"></script>' in html
    for chunk in html.split("<script")[1:]:
        assert "src=" in chunk.split(">")[0], "inline scripts would carry a per-request nonce"


# --- Query counts -------------------------------------------------------------------


def make_offers(n: int) -> None:
    """Replace the published catalogue with ``n`` offers, each with audiences, formats and items."""
    Offer.objects.update(is_published=False)
    themes = list(Theme.objects.all()[:3])
    audiences = list(Audience.objects.all()[:4])
    formats = list(Format.objects.all()[:3])
    offers = Offer.objects.bulk_create(
        Offer(
            title=f"Generated offer {i:03}",
            slug=f"generated-{n}-{i}",
            theme=themes[i % 3],
            summary="Generated.",
            search_document=f"Generated offer {i:03}\nGenerated.",
        )
        for i in range(n)
    )
    Offer.audiences.through.objects.bulk_create(
        Offer.audiences.through(offer=o, audience=a) for o in offers for a in audiences
    )
    Offer.formats.through.objects.bulk_create(Offer.formats.through(offer=o, format=f) for o in offers for f in formats)
    OfferItem.objects.bulk_create(OfferItem(offer=o, text=f"Item {j}", order=j) for o in offers for j in range(3))
    # Bulk writes send no signals: they say the catalogue changed themselves.
    page_cache.bump(page_cache.CATALOGUE)


@pytest.mark.parametrize(
    ("query", "expected", "again"),
    [
        # Filter choices (3), count, page, the audience and format names (the page state is in
        # the cache); the same page again comes from the cache.
        ("", 6, 0),
        ("theme=leadership&audience=chief-executives&status=available", 6, 0),
        # A search loads synonyms and best bets (2).
        ("q=generated", 8, 0),
        # Found nothing, so no page: the suggestion (the words that matched nothing, the closest
        # known words; the synonyms are already loaded), then the search is logged; it is logged
        # every time, so the page is rendered every time, and the second time the filter choices,
        # synonyms and best bets are still loaded (the catalogue has not changed).
        ("q=zzqxv", 8 - 2 + 2 + 1, 1 + 2 + 1),
        # Corrected: the suggestion (2), then the corrected search's count (its synonyms and best
        # bets are already loaded).
        ("q=generatd", 8 + 2 + 1, 0),
    ],
)
def test_the_catalogue_makes_the_same_number_of_queries_for_10_and_100_offers(
    client, django_assert_num_queries, query, expected, again
):
    for n in (10, 100):
        make_offers(n)
        with django_assert_num_queries(expected):
            response = client.get(f"/offers/?{query}")
        assert response.status_code == 200
        with django_assert_num_queries(again):
            cached = client.get(f"/offers/?{query}")
        assert cached.status_code == 200 and without_nonces(cached) == without_nonces(response)


def test_theme_page_queries_do_not_grow_with_its_offers(client, django_assert_num_queries):
    # Theme, its publications (a count), offers, the audience and format names (the page state
    # is in the cache).
    url = Theme.objects.first().get_absolute_url()
    for n in (3, 60):
        make_offers(n)
        with django_assert_num_queries(4):
            response = client.get(url)
        assert len(response.context["offers"]) == n // 3
        with django_assert_num_queries(0):
            assert without_nonces(client.get(url)) == without_nonces(response)


def test_a_search_read_again_reuses_the_filter_choices_synonyms_and_best_bets_until_staff_edit_them(
    client, settings, django_assert_num_queries
):
    settings.PORTAL = {**settings.PORTAL, "PAGE_CACHE_SECONDS": 0}  # every request renders the page
    make_offers(10)
    client.get("/offers/?q=generated")
    # Count, page, the audience and format names: the rest is kept while the catalogue's version
    # stands.
    with django_assert_num_queries(3):
        assert len(listed_slugs(client.get("/offers/?q=generated"))) == 10
    # Staff teach the search a word (and add a theme): both show at once.
    synonym = Synonym(term="walrus", equivalents="generated")
    synonym.full_clean()
    synonym.save()
    Theme.objects.create(name="Walruses", slug="walruses", summary="Walruses.")
    with django_assert_num_queries(8):
        response = client.get("/offers/?q=walrus")
    assert len(listed_slugs(response)) == 10
    assert "Walruses" in response.content.decode()


def test_every_page_of_a_search_follows_one_ranking(client):
    make_offers(45)
    # Statuses weigh in the rank, so the best match is not simply the title order.
    for status, offset in ((OfferStatus.SUSPENDED, 0), (OfferStatus.COMING_SOON, 1)):
        Offer.objects.filter(slug__startswith="generated-45-", slug__endswith=str(offset)).update(status=status)
    page_cache.bump(page_cache.CATALOGUE)
    ranked = list(selectors.offer_catalogue(q="generated").values_list("slug", flat=True))
    assert len(ranked) == 45 and ranked != sorted(ranked)
    assert all_listed_slugs(client, "q=generated") == ranked
