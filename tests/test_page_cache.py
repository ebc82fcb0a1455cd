"""Anonymous visitors' public pages from the cache: served without a query, never stale, never
anyone's own (CSRF token, messages, signed-in navigation), with a fresh CSP nonce each time."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone

from engagements.models import Council
from lga_portal import page_cache
from lga_portal.http import conditional_for_anonymous
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

    etag = '"v1"'
    request = rf.get("/offers/")
    with_token = HttpResponse(b'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>')
    page_cache.store("page:test:token", etag, request, with_token, csrf_before=False)
    assert page_cache.read_page("page:test:token") is None

    request._messages = CookieStorage(request)
    request._messages.add(20, "Signed out")
    page_cache.store("page:test:message", etag, request, HttpResponse(b"<p>Signed out</p>"), csrf_before=False)
    assert page_cache.read_page("page:test:message") is None

    plain = rf.get("/offers/")
    page_cache.store("page:test:plain", etag, plain, HttpResponse(b"<p>Offers</p>"), csrf_before=False)
    kept = page_cache.read_page("page:test:plain")
    assert page_cache.cached_response(kept, etag, plain).content == b"<p>Offers</p>"
    # Kept for one version of what the page shows, never served for another.
    assert page_cache.cached_response(kept, '"v2"', plain) is None


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


# --- The fast path: SessionlessMiddleware answers hits and 304s above the session middleware ----

FAST_PATH = "lga_portal.http.SessionlessMiddleware"


def served_by_the_fast_path(response) -> bool:
    # The session middleware, below the fast path, gives every request it sees a session.
    return not hasattr(response.wsgi_request, "session")


def without_nonce(response) -> tuple[dict, bytes]:
    headers = {name: re.sub(r"'nonce-[^']+'", "'nonce'", value) for name, value in response.headers.items()}
    return headers, re.sub(rb'nonce="[^"]*"', b'nonce=""', response.content)


@pytest.mark.parametrize("revalidate", [False, True], ids=["hit", "304"])
@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/councils/E06000001/", "/councils/?region=north-east"])
def test_the_fast_path_answers_exactly_as_the_whole_stack_does(client, settings, url, revalidate):
    settings.SECURE_HSTS_SECONDS = 3600  # HSTS and the other security headers come out on both
    etag = client.get(url, secure=True)["ETag"]
    headers = {"if-none-match": etag} if revalidate else {}
    fast = client.get(url, secure=True, headers=headers)
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != FAST_PATH]
    full = Client().get(url, secure=True, headers=headers)
    assert served_by_the_fast_path(fast) and not served_by_the_fast_path(full)
    assert fast.status_code == full.status_code == (304 if revalidate else 200)
    assert without_nonce(fast) == without_nonce(full)
    assert "Strict-Transport-Security" in fast and fast["Vary"] == "Cookie" and fast["ETag"] == etag
    assert not fast.cookies and not full.cookies
    if not revalidate:
        assert f'nonce="{nonce_in_header(fast)}"' in fast.content.decode()


def test_a_hit_and_a_304_each_take_one_cache_call(client, monkeypatch, django_assert_num_queries):
    calls = []

    class Counting:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(cache, name)

    client.get("/offers/?q=coaching")
    monkeypatch.setattr(page_cache, "cache", Counting())
    with django_assert_num_queries(0):
        etag = client.get("/offers/?q=coaching")["ETag"]
    assert calls == ["get_many"]
    calls.clear()
    with django_assert_num_queries(0):
        assert client.get("/offers/?q=coaching", headers={"if-none-match": etag}).status_code == 304
    assert calls == ["get_many"]


def test_a_signed_in_visitor_or_one_with_a_session_cookie_never_gets_the_fast_path(client, make_user):
    client.get("/offers/")
    assert served_by_the_fast_path(client.get("/offers/"))
    client.cookies["sessionid"] = "not-a-session"
    assert not served_by_the_fast_path(client.get("/offers/"))
    client.force_login(make_user("adviser"))
    page = client.get("/offers/")
    assert not served_by_the_fast_path(page) and 'action="/accounts/logout/"' in page.content.decode()
    assert not served_by_the_fast_path(client.get("/offers/", headers={"if-none-match": page.get("ETag", "*")}))


def test_a_visitor_with_messages_waiting_never_gets_the_fast_path(client):
    client.get("/offers/")
    client.cookies["messages"] = "anything"
    assert not served_by_the_fast_path(client.get("/offers/"))


def test_the_fast_path_comes_after_the_https_redirect(client, settings):
    client.get("/offers/")
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/offers/")  # a new client loads the middleware with the setting
    assert response.status_code == 301 and response["Location"] == "https://testserver/offers/"


def test_only_gets_and_heads_take_the_fast_path(client):
    client.get("/offers/")
    assert served_by_the_fast_path(client.head("/offers/"))
    assert not served_by_the_fast_path(client.options("/offers/"))


def test_a_change_made_in_the_admin_is_served_at_once_by_the_fast_path(client, make_user):
    before = client.get("/offers/?q=coaching").content.decode()
    assert served_by_the_fast_path(client.get("/offers/?q=coaching"))
    editor = Client()
    editor.force_login(make_user("editor"))
    offer = Offer.objects.get(slug=COACHING_OFFER)
    assert editor.post(f"/admin/offers/offer/{offer.pk}/delete/", {"post": "yes"}).status_code == 302
    after = client.get("/offers/?q=coaching")
    assert not served_by_the_fast_path(after)  # the version moved on: rendered afresh
    assert f"/offers/{COACHING_OFFER}/" in before and f"/offers/{COACHING_OFFER}/" not in after.content.decode()
    assert served_by_the_fast_path(client.get("/offers/?q=coaching"))


@conditional_for_anonymous()
def page_with_a_form(request):
    template = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')
    return HttpResponse(template.render({}, request))


# This module is the URLconf of the test below: a public page with a form.
urlpatterns = [path("form/", page_with_a_form)]


def test_a_page_with_a_csrf_field_is_never_served_from_the_cache(client, settings):
    settings.ROOT_URLCONF = __name__
    for _ in range(3):
        response = client.get("/form/")
        assert not served_by_the_fast_path(response)
        assert b'name="csrfmiddlewaretoken"' in response.content and "csrftoken" in response.cookies
