"""The shared cache in production: Redis, through Django's own backend, that never breaks a page.

``FailSafeRedisCache`` is Django's ``RedisCache`` with one difference: when Redis cannot be
reached (refused, timed out, out of memory, read-only), a call answers as a cache that holds
nothing — ``get`` its default, ``add`` False, ``get_many`` nothing — instead of raising. The
page cache then renders pages afresh, the API throttles and the support-request limits let the
request through, and the outage is logged once, and again once when Redis answers. While it is
down, the backend tries again at most every ``RETRY_SECONDS``, so a request does not wait for a
connection that is known to fail.

``cache_health()`` is what ``/healthz`` reports for the cache.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# Seconds between attempts while Redis is down.
RETRY_SECONDS = 5.0
# How long one call may wait for Redis before it counts as down (seconds); OPTIONS may override.
SOCKET_TIMEOUT = 0.5


class _Outage:
    """Whether a Redis server is down, shared by every thread of the process (one backend
    instance per thread), so the outage is logged once per process, not once per thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0

    def failed(self, location: str, error: Exception) -> None:
        with self.lock:
            self.retry_at = time.monotonic() + RETRY_SECONDS
            if self.down:
                return
            self.down = True
        first_line = (str(error).strip().splitlines() or [""])[0]
        logger.warning(
            "The cache at %s cannot be reached (%s: %s): pages are served uncached and limits not "
            "applied until it can. Logged once until it recovers.",
            location,
            type(error).__name__,
            first_line,
        )

    def recovered(self, location: str) -> None:
        with self.lock:
            if not self.down:
                return
            self.down = False
            self.retry_at = 0.0
        logger.warning("The cache at %s can be reached again.", location)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class _ClientPerPool(RedisCacheClient):
    """Django's Redis client, building the redis-py client of each connection pool once rather
    than on every call: building one sets up its response callbacks (about 170), which took
    longer than the round trip to Redis that serves a page from the cache. Each thread has its
    own backend, hence its own clients."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # the pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSafeRedisCache(RedisCache):
    """Django's Redis cache; while Redis is down, a cache that holds nothing (see the module)."""

    def __init__(self, server, params):
        options = {**params.get("OPTIONS", {})}
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _ClientPerPool
        self._location = ",".join(_without_password(url) for url in self._servers)
        self._outage = _outage_for(self._location)

    def _errors(self) -> tuple[type[Exception], ...]:
        import redis

        return (redis.exceptions.RedisError, OSError)

    def _call(self, method: str, fallback, *args, **kwargs):
        if self._outage.down and time.monotonic() < self._outage.retry_at:
            return fallback
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except self._errors() as error:
            self._outage.failed(self._location, error)
            return fallback
        if self._outage.down:
            self._outage.recovered(self._location)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        # Without Redis nothing is stored, so there is nothing to increment: as for a missing key.
        result = self._call("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (the cache cannot be reached)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    @property
    def is_down(self) -> bool:
        return self._outage.down

    def ping(self) -> bool:
        """Ask Redis itself, whatever the last call found; True when it answers."""
        try:
            self._cache.get_client(write=True).ping()
        except self._errors() as error:
            self._outage.failed(self._location, error)
            return False
        self._outage.recovered(self._location)
        return True


def _without_password(url: str) -> str:
    """A Redis URL fit for a log line: ``redis://:secret@host`` becomes ``redis://host``."""
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:
        rest = rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"


PROBE_KEY = "healthz:probe"


def cache_health(alias: str = "default") -> str:
    """``"ok"`` when the cache answers, ``"unreachable"`` when not (asked now, not remembered)."""
    backend = caches[alias]
    if isinstance(backend, FailSafeRedisCache):
        return "ok" if backend.ping() else "unreachable"
    try:
        backend.set(PROBE_KEY, 1, timeout=10)
        backend.get(PROBE_KEY)
    except Exception:  # any backend's own error (a database cache without its table, say)
        return "unreachable"
    return "ok"
