"""Anonymous visitors' public pages from the cache: served without a query, never stale, never
anyone's own (CSRF token, messages, signed-in navigation), with a fresh CSP nonce each time."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagements.models import Council
from lga_portal import page_cache
from offers.models import Offer, OfferItem, Theme

pytestmark = pytest.mark.django_db

COACHING_OFFER = "emergency-coaching-and-mentoring-support"
PUBLIC_PAGES = ["/", "/offers/", "/offers/?q=coaching", "/themes/leadership/", f"/offers/{COACHING_OFFER}/"]


def nonce_in_header(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/councils/E06000001/", "/councils/?region=north-east"])
def test_the_second_anonymous_visit_makes_no_query(client, django_assert_num_queries, url):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    strip = re.compile(rb'nonce="[^"]*"')
    assert strip.sub(b"", second.content) == strip.sub(b"", first.content)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_revalidation_makes_no_query(client, django_assert_num_queries, url):
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_a_cached_page_carries_the_nonce_of_its_own_request(client):
    first = client.get("/offers/")
    second = client.get("/offers/")
    nonces = [nonce_in_header(response) for response in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        html = response.content.decode()
        assert f'nonce="{nonce}"' in html
        assert set(re.findall(r'nonce="([^"]*)"', html)) == {nonce}


def test_an_editor_adding_a_synonym_in_the_admin_shows_at_once(client, make_user):
    assert "0 offers" in client.get("/offers/?q=quango").content.decode()
    editor = Client()
    editor.force_login(make_user("editor"))
    response = editor.post("/admin/offers/synonym/add/", {"term": "Quango", "equivalents": "Redmond Review"})
    assert response.status_code == 302
    page = client.get("/offers/?q=quango").content.decode()
    assert "1 offer" in page and "/offers/redmond-review-webinar/" in page


@pytest.mark.parametrize(
    ("change", "url", "shown"),
    [
        (
            lambda: _save(Offer.objects.get(slug=COACHING_OFFER), title="Coaching, renamed"),
            "/offers/?q=coaching",
            "renamed",
        ),
        (lambda: _save(Theme.objects.get(slug="leadership"), name="Leadership, renamed"), "/", "renamed"),
        (
            lambda: OfferItem.objects.create(offer=Offer.objects.get(slug=COACHING_OFFER), text="A new item", order=99),
            f"/offers/{COACHING_OFFER}/",
            "A new item",
        ),
        (lambda: Offer.objects.get(slug=COACHING_OFFER).delete(), "/offers/?q=coaching", None),
        (
            lambda: _save(Council.objects.get(gss_code="E06000001"), name="Hartlepool, renamed"),
            "/councils/E06000001/",
            "renamed",
        ),
    ],
)
def test_a_saved_change_is_shown_on_the_next_anonymous_visit(client, change, url, shown):
    before = client.get(url).content.decode()
    client.get(url)  # now from the cache
    change()
    after = client.get(url).content.decode()
    assert after != before
    if shown:
        assert shown in after
    else:
        assert f"/offers/{COACHING_OFFER}/" in before and f"/offers/{COACHING_OFFER}/" not in after


def _save(instance, **values):
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save()


def test_the_version_moves_again_when_the_transaction_commits(django_capture_on_commit_callbacks):
    # A page rendered between the save and the commit read the old rows: the version it was kept
    # under must not be the one visitors read after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.bump(page_cache.CATALOGUE)
        during = page_cache.read_state([page_cache.CATALOGUE])
    after = page_cache.read_state([page_cache.CATALOGUE])
    assert during != after


def test_a_lookup_kept_per_version_is_read_again_once_the_catalogue_changes():
    reads = []

    def lookup():
        reads.append(1)
        return len(reads)

    assert page_cache.per_version(page_cache.CATALOGUE, "test", lookup) == 1
    assert page_cache.per_version(page_cache.CATALOGUE, "test", lookup) == 1
    page_cache.bump(page_cache.CATALOGUE)
    assert page_cache.per_version(page_cache.CATALOGUE, "test", lookup) == 2


def test_without_versions_in_a_shared_cache_a_lookup_is_read_every_time(settings):
    settings.PORTAL = {**settings.PORTAL, "PAGE_STATE_IN_CACHE": False}
    reads = []
    for _ in range(2):
        page_cache.per_version(page_cache.CATALOGUE, "test", lambda: reads.append(1))
    assert len(reads) == 2


def test_a_request_reads_each_version_from_the_cache_once_unless_it_changes_it(monkeypatch):
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started

    page_cache.read_state([page_cache.CATALOGUE])  # the version exists
    calls = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or get_many(keys))
    request_started.send(sender=None)
    try:
        first = page_cache.read_state([page_cache.CATALOGUE])
        assert page_cache.read_state([page_cache.CATALOGUE]) == first and len(calls) == 1
        page_cache.bump(page_cache.CATALOGUE)  # this request changed the catalogue
        assert page_cache.read_state([page_cache.CATALOGUE]) != first and len(calls) == 2
    finally:
        request_finished.send(sender=None)
    page_cache.read_state([page_cache.CATALOGUE])
    assert len(calls) == 3  # outside a request, every read asks the cache


def test_query_string_names_the_page_ignores_share_one_copy(client, django_assert_num_queries):
    client.get("/offers/?theme=leadership")
    with django_assert_num_queries(0):
        client.get("/offers/?theme=leadership&utm_source=bulletin&q=")
    # A name the page reads is another page.
    other = Theme.objects.exclude(slug="leadership").first().slug
    response = client.get(f"/offers/?theme={other}")
    assert response.context["form"].cleaned_data["theme"] == [other]


def test_signed_in_visitors_never_get_the_anonymous_copy(client, make_user):
    client.get("/offers/")
    client.get("/offers/")
    client.force_login(make_user("adviser"))
    page = client.get("/offers/")
    assert 'action="/accounts/logout/"' in page.content.decode() and "ETag" not in page


def test_a_visitor_with_a_session_is_not_served_the_shared_copy(client):
    client.get("/offers/")
    client.cookies["sessionid"] = "not-a-session"
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/offers/").status_code == 200
    assert any("offers_offer" in query["sql"] for query in queries.captured_queries)  # rendered afresh


def test_a_page_with_a_csrf_token_or_a_message_is_not_kept(rf):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse

    request = rf.get("/offers/")
    with_token = HttpResponse(b'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>')
    page_cache.store("page:test:token", request, with_token, csrf_before=False)
    assert page_cache.cached_response("page:test:token", request) is None

    request._messages = CookieStorage(request)
    request._messages.add(20, "Signed out")
    page_cache.store("page:test:message", request, HttpResponse(b"<p>Signed out</p>"), csrf_before=False)
    assert page_cache.cached_response("page:test:message", request) is None

    plain = rf.get("/offers/")
    page_cache.store("page:test:plain", plain, HttpResponse(b"<p>Offers</p>"), csrf_before=False)
    assert page_cache.cached_response("page:test:plain", plain).content == b"<p>Offers</p>"


def test_with_each_process_its_own_cache_the_state_is_read_from_the_database(
    client, settings, django_assert_num_queries
):
    # Another worker's save would not reach this process's cache: the ETag comes from the rows.
    settings.PORTAL = {**settings.PORTAL, "PAGE_STATE_IN_CACHE": False}
    etag = client.get("/offers/")["ETag"]
    with django_assert_num_queries(2):  # MAX(modified_at), COUNT(*) of offers and of themes
        assert client.get("/offers/", headers={"if-none-match": etag}).status_code == 304
    # Changed without a signal, but the row's time moves on.
    Offer.objects.filter(slug=COACHING_OFFER).update(title="Changed without a signal", modified_at=timezone.now())
    page = client.get("/offers/", headers={"if-none-match": etag})
    assert page.status_code == 200 and "Changed without a signal" in page.content.decode()
    with django_assert_num_queries(2):  # the same state again: the page from the cache
        client.get("/offers/")
