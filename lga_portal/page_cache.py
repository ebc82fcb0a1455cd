"""Anonymous visitors' public pages from the cache, and the state that says when they change.

**State.** Each public page depends on one or more *scopes*: ``catalogue`` (offers, their items,
themes, audiences, formats, sources, synonyms and best bets), ``councils`` (councils, regions,
principal advisers) and ``engagements`` (take-up on the offer page). Each scope has a version in
the cache — the moment it last changed and a random tag — moved on by the apps' save and delete
signals (``bump``), at once and again when the transaction commits, so a request that reads the
new version also reads the committed rows. A page's ETag is the versions of its scopes (with
the release), so reading it costs one cache call and no query; a version the cache has lost is
made anew, which can only make a page look changed, never stale.

Writes that send no signals (``QuerySet.update()``, ``bulk_create``, COPY) must call ``bump``
themselves; ``manage.py seed`` and ``generate_load_data`` do.

With each process's own cache (the embedded default) a change in one worker would not reach the
others' caches, so the state is read from the database instead (``PAGE_STATE_IN_CACHE``).

**Pages.** The rendered HTML of a page is kept under its address (path and the query-string
names the page reads, in a fixed order) with the ETag it was rendered for, and served only while
that is still the page's ETag; the versions and the page are read in one cache call. The
request's CSP nonce is replaced by a placeholder that each reuse fills with its own nonce. Only what is the same for every
anonymous visitor is kept: never a page that used a CSRF token, showed a message, or set a
cookie, and never for a request that carries a session or messages.

Every cache call is guarded: a cache that fails answers "nothing kept" and the page is rendered
as if there were no cache (logged once until the cache answers again).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from lga_portal.outages import LoggedOnce

logger = logging.getLogger(__name__)

CATALOGUE = "catalogue"
COUNCILS = "councils"
ENGAGEMENTS = "engagements"
SCOPES = (CATALOGUE, COUNCILS, ENGAGEMENTS)

NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"
CSRF_FIELD = b'name="csrfmiddlewaretoken"'


_failures = LoggedOnce(
    logger,
    "Public pages are served uncached: the cache cannot be reached (%s: %s). Logged once until it can.",
    "Public pages are served from the cache again.",
)


def enabled() -> bool:
    return settings.PORTAL["PAGE_CACHE_SECONDS"] > 0


def state_in_cache() -> bool:
    return settings.PORTAL["PAGE_STATE_IN_CACHE"]


def _state_key(scope: str) -> str:
    return f"pagestate:{scope}"


def _new_version() -> tuple[float, str]:
    return (time.time(), secrets.token_hex(8))


def bump(*scopes: str) -> None:
    """Record that what the ``scopes`` show has changed: now, and again when the transaction
    commits (the request that reads the second version reads the committed rows)."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"Unknown page scopes: {sorted(unknown)}")
    _write_versions(scopes)
    transaction.on_commit(lambda: _write_versions(scopes), robust=True)


def bump_all() -> None:
    bump(*SCOPES)


def _write_versions(scopes: Iterable[str]) -> None:
    scopes = tuple(scopes)
    seen = _request_versions.get()
    if seen:
        for scope in scopes:
            seen.pop(scope, None)  # this request changed it: read the new version
    try:
        cache.set_many({_state_key(scope): _new_version() for scope in scopes}, timeout=None)
    except Exception as error:  # any backend's own error: a save must never fail for the cache
        _failures.failed(error)


# The versions the current request has read: read once however many times the request asks
# (the page's ETag, then its lookups kept per version). None outside a request.
_request_versions: ContextVar[dict[str, tuple] | None] = ContextVar("page_cache_request_versions", default=None)


def _request_started(**kwargs) -> None:
    _request_versions.set({})


def _request_finished(**kwargs) -> None:
    _request_versions.set(None)


request_started.connect(_request_started, dispatch_uid="page-cache-request-started")
request_finished.connect(_request_finished, dispatch_uid="page-cache-request-finished")


def read(scopes: Iterable[str], page: str | None = None) -> tuple[tuple[datetime.datetime, tuple] | None, tuple | None]:
    """The versions of ``scopes`` as a ``PageState`` (None if the cache fails) and, when ``page``
    is a page key, what is kept under it (None if nothing): one cache call for both.

    Within a request each scope's version is read from the cache once (a write through ``bump``
    in the request makes it read again).
    """
    scopes = tuple(scopes)
    seen = _request_versions.get()
    if seen is not None and all(scope in seen for scope in scopes):
        versions = [seen[scope] for scope in scopes]
        kept = read_page(page) if page else None
    else:
        versions, kept = _read_versions(scopes, page)
        if versions is None:
            return None, None
        if seen is not None:
            seen.update(zip(scopes, versions, strict=True))
    changed = max(moment for moment, _tag in versions)
    state = (datetime.datetime.fromtimestamp(changed, tz=datetime.UTC), tuple(tag for _moment, tag in versions))
    return state, kept


def _read_versions(scopes: tuple[str, ...], page: str | None) -> tuple[list[tuple] | None, tuple | None]:
    keys = [_state_key(scope) for scope in scopes]
    try:
        found = cache.get_many([*keys, page] if page else keys)
        missing = [key for key in keys if key not in found]
        if missing:
            for key in missing:
                cache.add(key, _new_version(), timeout=None)
            # Another worker may have added it first: use whichever version the cache kept.
            found.update(cache.get_many(missing))
    except Exception as error:  # any backend's own error: the page is rendered as if uncached
        _failures.failed(error)
        return None, None
    if any(key not in found for key in keys):
        return None, None  # a cache that keeps nothing (down, or a dummy)
    _failures.works()
    return [found[key] for key in keys], found.get(page) if page else None


def read_state(scopes: Iterable[str]) -> tuple[datetime.datetime, tuple] | None:
    """The versions of ``scopes`` from the cache as a ``PageState``; None if the cache fails."""
    return read(scopes)[0]


T = TypeVar("T")

# Lookups kept in this process with the version of the scope they were read at:
# (scope, name) -> (version, value).
_memo: dict[tuple[str, str], tuple[tuple, object]] = {}


def per_version(scope: str, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process until ``scope``'s version moves on.

    For small reads every request of a kind makes and that change only with what ``scope``
    versions (the search's synonyms, the catalogue's filter choices): no query, and no cache
    call beyond the one that read the version for the page's ETag. Without versions in a shared
    cache (or while it fails) it is computed every time, as a change made in another process
    could not be seen.
    """
    version = read_state((scope,)) if state_in_cache() else None
    if version is None:
        return compute()
    kept = _memo.get((scope, name))
    if kept is not None and kept[0] == version:
        return kept[1]
    value = compute()
    _memo[(scope, name)] = (version, value)
    return value


def read_page(key: str) -> tuple | None:
    """What is kept under the page key ``key``; None if nothing (or the cache fails)."""
    try:
        return cache.get(key)
    except Exception as error:
        _failures.failed(error)
        return None


def address(request: HttpRequest, query_names: Iterable[str] | None) -> str:
    """The page's host, path and the query string's values for ``query_names`` (sorted by the
    caller, once; None: every name)."""
    pairs = (
        [
            f"{name}={value}"
            for name in (sorted(request.GET) if query_names is None else query_names)
            for value in request.GET.getlist(name)
            # An empty value reads as no value (the pages' forms drop it).
            if value
        ]
        if request.META.get("QUERY_STRING")
        else []
    )
    return "\n".join([request.get_host(), request.path, *pairs])


def page_key(request: HttpRequest, query_names: Iterable[str] | None) -> str:
    """Where the page at the request's address is kept, whatever its version: a page kept for an
    older version is replaced by the next one rendered, and never served (``cached_response``)."""
    return f"page:{hashlib.sha256(address(request, query_names).encode()).hexdigest()[:32]}"


def may_use(request: HttpRequest) -> bool:
    """Whether this anonymous request may be answered from, or stored in, the page cache."""
    cookies = request.COOKIES
    return enabled() and settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def cached_response(kept: tuple | None, etag: str, request: HttpRequest) -> HttpResponse | None:
    """The page ``kept`` for this request if it was rendered for the version ``etag``, else None."""
    if kept is None:
        return None
    kept_etag, content_type, content = kept
    if kept_etag != etag:
        return None  # rendered for another version of what the page shows
    if NONCE_PLACEHOLDER in content:
        content = content.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
    return HttpResponse(content, content_type=content_type)


def do_not_store(response: HttpResponse) -> HttpResponse:
    """Mark a response the page cache must not keep (its view does something on every request)."""
    response.page_cache_store = False
    return response


def store(key: str, etag: str, request: HttpRequest, response: HttpResponse, csrf_before: bool) -> None:
    """Keep ``response``, rendered for the version ``etag``, if it is the same for every anonymous
    visitor."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    if not getattr(response, "page_cache_store", True):
        return
    content = response.content
    if CSRF_FIELD in content or (request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not csrf_before):
        return  # a form with this visitor's CSRF token
    messages = getattr(request, "_messages", None)
    if messages is not None and (getattr(messages, "used", False) or getattr(messages, "_queued_messages", None)):
        return  # showed (or will show) a message to this visitor
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str) and nonce:
        content = content.replace(nonce.encode(), NONCE_PLACEHOLDER)
    try:
        cache.set(key, (etag, response["Content-Type"], content), timeout=settings.PORTAL["PAGE_CACHE_SECONDS"])
    except Exception as error:
        _failures.failed(error)
