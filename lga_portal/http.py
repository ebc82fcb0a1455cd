"""HTTP helpers: conditional responses (ETag, Last-Modified, 304) and the page cache for the
public pages' anonymous visitors, and addresses with a query string for code that redirects or
links outside a template."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
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
    scopes = tuple(scopes)
    query_names = None if query_names is None else tuple(query_names)

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                response = view(request, *args, **kwargs)
                if request.user.is_authenticated:
                    patch_cache_control(response, private=True)
                return response
            state = None
            if page_cache.state_in_cache():
                state = page_cache.read_state(scopes)
                if state is not None and daily:
                    state = (state[0], (*state[1], timezone.localdate()))
            if state is None and state_func is not None:
                state = state_func(request, *args, **kwargs)
            if state is None:
                return view(request, *args, **kwargs)
            etag = page_etag(state)
            # HTTP dates have whole seconds; the ETag tells apart changes within one.
            last_modified = int(state[0].timestamp()) if state[0] else None
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                key = page_cache.page_key(request, etag, query_names) if page_cache.may_use(request) else None
                response = page_cache.cached_response(key, request) if key else None
                if response is None:
                    csrf_before = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
                    response = view(request, *args, **kwargs)
                    if response.status_code != 200:
                        return response
                    if key:
                        page_cache.store(key, request, response, csrf_before)
            response.headers.setdefault("ETag", etag)
            if last_modified is not None:
                response.headers.setdefault("Last-Modified", http_date(last_modified))
            # Stored, but checked with the server (ETag) before each reuse.
            patch_cache_control(response, no_cache=True)
            return response

        return wrapper

    return decorator


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
