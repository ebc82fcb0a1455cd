"""Limits on how often one client may do something, counted in Django's default cache.

The cache is what every worker shares once it is a shared cache (Redis, memcached, the
database cache), so a limit holds across workers and servers; with the default in-process
cache each worker counts on its own. The client is identified as the API's throttles identify
it (DRF's ``get_ident`` with ``REST_FRAMEWORK["NUM_PROXIES"]``, set from ``API_NUM_PROXIES``
or ``BEHIND_PROXY``), so both agree on who a client is behind a proxy.

A limit fails open: if the cache cannot be reached, the action is allowed and the outage is
logged once (again once when counting resumes), so a cache outage never breaks a form.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

from lga_portal.outages import LoggedOnce

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client's address: from X-Forwarded-For as far as the configured proxies vouch for it,
    else the connection's own (REMOTE_ADDR)."""
    return BaseThrottle().get_ident(request) or ""


class RollingLimit:
    """At most ``limit`` events per key in any rolling ``period`` (seconds).

    The cache holds, per key, the times of the events still inside the period (as DRF's
    throttles do), so the moment a new event is allowed again is known exactly.
    """

    def __init__(self, scope: str, period: int = 3600):
        self.scope = scope
        self.period = period
        self._outage = LoggedOnce(
            logger,
            "The %s limit is not applied: the cache cannot be reached (%s: %s). Logged once until it can.",
            "The %s limit is applied again: the cache can be reached.",
            scope,
            recovered_level=logging.INFO,
        )

    def _key(self, key: str) -> str:
        return f"limit:{self.scope}:{key}"

    def _recent(self, key: str, now: float) -> list[float]:
        return [moment for moment in cache.get(self._key(key), []) if moment > now - self.period]

    def retry_at(self, key: str, limit: int) -> datetime.datetime | None:
        """When ``key`` may act again if it has reached ``limit``; None if it may act now."""
        now = time.time()
        try:
            recent = self._recent(key, now)
        except Exception as error:  # any backend's error: the limit must never break the form
            self._outage.failed(error)
            return None
        self._outage.works()
        if len(recent) < limit:
            return None
        # The oldest event that still counts drops out of the period first.
        oldest_needed = sorted(recent)[len(recent) - limit]
        return datetime.datetime.fromtimestamp(oldest_needed + self.period, tz=datetime.UTC)

    def record(self, key: str) -> None:
        """Count an event for ``key`` now."""
        now = time.time()
        try:
            cache.set(self._key(key), [*self._recent(key, now), now], timeout=self.period)
        except Exception as error:
            self._outage.failed(error)
            return
        self._outage.works()
