"""HTTP helpers: conditional responses (ETag, Last-Modified, 304) and the page cache for the
public pages' anonymous visitors, and addresses with a query string for code that redirects or
links outside a template."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from functools import wraps

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from lga_portal import page_cache

# What a page's content depends on: when it last changed, and anything else that changes it
# without touching a timestamp (row counts catch deletions, a date catches "last 12 months").
PageState = tuple[datetime.datetime | None, Iterable[object]]


def page_etag(state: PageState) -> str:
    last_modified, parts = state
    # The release is part of every ETag, so a deployment that changes templates invalidates them.
    text = "|".join(str(part) for part in (settings.PORTAL["RELEASE"], last_modified, *parts))
    return quote_etag(hashlib.sha256(text.encode()).hexdigest()[:32])


class PublicPage:
    """How a public page answers anonymous visitors from the cache: its scopes, the query-string
    names it reads, whether it also changes at midnight, and how to read its state from the
    database where the cache does not keep it (see ``conditional_for_anonymous``).

    Kept on the view as ``public_page``, so ``SessionlessMiddleware`` answers the same way before
    the session, CSRF, authentication and messages middleware have run.
    """

    def __init__(self, state_func, scopes: Iterable[str], query_names: Iterable[str] | None, daily: bool):
        self.state_func = state_func
        self.scopes = tuple(scopes)
        # Sorted once: the page's address lists the names in a fixed order.
        self.query_names = None if query_names is None else tuple(sorted(query_names))
        self.daily = daily

    def answer(
        self, request: HttpRequest, args=(), kwargs=None, *, from_database: bool = True
    ) -> tuple[HttpResponse | None, tuple[str, int | None] | None, str | None]:
        """(the 304 or the kept page, or None; the ETag and Last-Modified, or None when the
        state is unknown; the page key, or None when this request may not use the kept copy).

        ``from_database``: whether the state may be read from the database (``state_func``)
        when the cache does not keep it."""
        key = page_cache.page_key(request, self.query_names) if page_cache.may_use(request) else None
        state = kept = None
        # A revalidation usually ends in a 304: the page itself is only read if it does not.
        revalidating = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        if page_cache.state_in_cache():
            state, kept = page_cache.read(self.scopes, None if revalidating else key)
            if state is not None and self.daily:
                state = (state[0], (*state[1], timezone.localdate()))
        if state is None and self.state_func is not None and from_database:
            state = self.state_func(request, *args, **(kwargs or {}))
            revalidating = True  # nothing read yet
        if state is None:
            return None, None, key
        etag = page_etag(state)
        # HTTP dates have whole seconds; the ETag tells apart changes within one.
        last_modified = int(state[0].timestamp()) if state[0] else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None and key:
            if revalidating:
                kept = page_cache.read_page(key)
            response = page_cache.cached_response(kept, etag, request)
        return response, (etag, last_modified), key


def _with_validators(response: HttpResponse, validators: tuple[str, int | None]) -> HttpResponse:
    etag, last_modified = validators
    response.headers.setdefault("ETag", etag)
    if last_modified is not None:
        response.headers.setdefault("Last-Modified", http_date(last_modified))
    # Stored, but checked with the server (ETag) before each reuse.
    patch_cache_control(response, no_cache=True)
    return response


def conditional_for_anonymous(
    state_func: Callable[..., PageState] | None = None,
    *,
    scopes: Iterable[str] = (page_cache.CATALOGUE,),
    query_names: Iterable[str] | None = None,
    daily: bool = False,
):
    """For anonymous visitors on GET/HEAD: ETag and Last-Modified, 304 when unchanged, and the
    page itself from the cache (lga_portal/page_cache.py).

    The page's state is the versions of ``scopes`` kept in the cache (no query); where the cache
    is each process's own, ``state_func(request, *args, **kwargs)`` reads it from the database
    instead (an aggregate or two), and without one the page is served as it is. ``daily`` pages
    also change at midnight (figures for "the last 12 months"). ``query_names`` are the query
    string's names the page reads: other names do not make another copy (without them, every
    name does). Signed-in users are
    left out: their pages carry a sign-out form with a CSRF token and their own navigation,
    which a shared ETag would not describe.
    """
    page = PublicPage(state_func, scopes, query_names, daily)

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                response = view(request, *args, **kwargs)
                if request.user.is_authenticated:
                    patch_cache_control(response, private=True)
                return response
            response, validators, key = page.answer(request, args, kwargs)
            if validators is None:
                return view(request, *args, **kwargs)
            if response is None:
                csrf_before = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                if key:
                    page_cache.store(key, validators[0], request, response, csrf_before)
            return _with_validators(response, validators)

        wrapper.public_page = page
        return wrapper

    return decorator


def sessionless(view):
    """Mark a view that reads nothing of the session, the CSRF token, the user or the messages,
    so that ``SessionlessMiddleware`` calls it for GET and HEAD without the middleware that
    provides them (the health check, which load balancers ask many times a minute)."""
    view.sessionless = True
    return view


class SessionlessMiddleware:
    """Answers the GET and HEAD requests that need nothing of the session, CSRF, authentication,
    messages, history or axes middleware before any of them run:

    - an anonymous visitor's public page from the page cache, or its 304: a request without a
      session or messages cookie, for a view of ``conditional_for_anonymous``, where the page
      state is kept in the cache;
    - a ``sessionless`` view.

    Everything else, and every page-cache miss, goes on down the stack as before. Placed below
    SecurityMiddleware (the HTTPS redirect and its headers) and WhiteNoise (static files never
    reach it). Each answer then gets what the middleware it skips would add to the same response
    on the way out, in the same order: the CSP header (with the request's nonce where the page
    uses it), X-Frame-Options, Content-Length, and for a page ``Vary: Cookie`` (the view reads the
    session to see the visitor is anonymous). No cookie is set, as none would be.
    tests/test_page_cache.py and tests/test_healthz.py compare the two ways header by header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.common = CommonMiddleware(get_response)
        self.frame_options = XFrameOptionsMiddleware(get_response)
        self.csp = CSPMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = None
        if request.method in ("GET", "HEAD") and self.common.process_request(request) is None:
            response = self.answer(request)
        return response if response is not None else self.get_response(request)

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if getattr(match.func, "sessionless", False):
            self.csp.process_request(request)
            return self.finish(request, match.func(request, *match.args, **match.kwargs))
        page = getattr(match.func, "public_page", None)
        if page is None or not page_cache.state_in_cache() or not page_cache.may_use(request):
            return None
        self.csp.process_request(request)
        response, validators, _key = page.answer(request, from_database=False)
        if response is None:
            return None
        response = self.finish(request, _with_validators(response, validators))
        patch_vary_headers(response, ("Cookie",))
        return response

    def finish(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = self.csp.process_response(request, response)
        response = self.frame_options.process_response(request, response)
        return self.common.process_response(request, response)


def url_with_query(path: str, query: QueryDict | None = None, /, **params) -> str:
    """``path`` with ``query`` (or nothing) changed by ``params``: a value replaces the parameter,
    a list gives it several values, ``None`` removes it. No ``?`` when nothing is left.

    Templates use Django's ``{% querystring %}``; this is the same rule for Python code (redirects,
    links built in the admin), so the portal has one way to write a query string.
    """
    data = query.copy() if query is not None else QueryDict(mutable=True)
    for name, value in params.items():
        if value is None:
            data.pop(name, None)
        elif isinstance(value, list | tuple):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = str(value)
    encoded = data.urlencode()
    return f"{path}?{encoded}" if encoded else path
