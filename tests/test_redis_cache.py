"""The shared cache in production: Redis (REDIS_URL), used by the page cache, the API throttles
and the support-request limits, and a Redis that is down never breaking a page.

Run against the Redis on this machine (127.0.0.1:6379, database 4 unless TEST_REDIS_URL says
otherwise); skipped when it is not running, unless REQUIRE_REDIS=1 (CI), when that fails.
"""

import logging
import os
import re
import socket

import pytest
from django.core.cache import cache

from tests.conftest import closed_port

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
BACKEND = "lga_portal.cache.FailSafeRedisCache"


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings):
    if not redis_running():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("Redis is not running at 127.0.0.1:6379 and REQUIRE_REDIS=1")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": REDIS_URL, "KEY_PREFIX": "lga-test"}}
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    yield cache


def redis_keys(pattern: str) -> list[str]:
    client = cache._cache.get_client(write=True)
    return [key.decode() for key in client.keys(f"lga-test:*{pattern}*")]


def test_pages_and_their_state_are_kept_in_redis(client, redis_cache, django_assert_num_queries):
    first = client.get("/offers/")
    assert redis_keys("pagestate:catalogue") and redis_keys(":page:")
    with django_assert_num_queries(0):
        second = client.get("/offers/")
    assert second.status_code == 200 and second["ETag"] == first["ETag"]


def test_a_kept_page_and_its_304_come_from_redis_before_the_session_middleware(
    client, redis_cache, django_assert_num_queries
):
    first = client.get("/offers/?q=coaching")
    with django_assert_num_queries(0):
        second = client.get("/offers/?q=coaching")
        revalidated = client.get("/offers/?q=coaching", headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200 and revalidated.status_code == 304
    strip = re.compile(rb'nonce="[^"]*"')
    assert strip.sub(b"", second.content) == strip.sub(b"", first.content)
    # The session middleware, below the fast path, gives every request it sees a session.
    assert not hasattr(second.wsgi_request, "session") and not hasattr(revalidated.wsgi_request, "session")


def test_a_save_moves_the_state_in_redis_on(client, redis_cache):
    from offers.models import Offer

    etag = client.get("/offers/?q=coaching")["ETag"]
    offer = Offer.objects.get(slug="emergency-coaching-and-mentoring-support")
    offer.title = "Coaching, renamed in Redis"
    offer.save()
    page = client.get("/offers/?q=coaching", headers={"if-none-match": etag})
    assert page.status_code == 200 and "renamed in Redis" in page.content.decode()


def test_each_call_reuses_the_redis_client(redis_cache):
    # Building a redis-py client per call cost more than a page-cache hit's round trip.
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client(write=True)
    redis_cache.set("reused", 1)
    assert redis_cache.get_many(["reused"]) == {"reused": 1}


def test_the_api_throttles_count_in_redis(client, redis_cache):
    assert client.get("/api/v1/offers/").status_code == 200
    assert redis_keys("throttle_")


def test_the_support_request_limit_counts_in_redis(redis_cache):
    from lga_portal.rate_limits import RollingLimit

    limit = RollingLimit("test-scope")
    limit.record("192.0.2.1")
    assert redis_keys("limit:test-scope:192.0.2.1")
    assert limit.retry_at("192.0.2.1", limit=1) is not None


def test_healthz_says_ok_with_redis(client, redis_cache):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_with_redis_down_pages_are_served_uncached_and_it_is_logged_once(client, redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="lga_portal.cache")
    for url in ("/offers/", "/offers/", "/", "/councils/E06000001/", "/offers/?q=coaching"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context is not None  # rendered, not from a cache
    # The API's throttles let the request through.
    assert client.get("/api/v1/offers/").status_code == 200
    warnings = [record for record in caplog.records if "cannot be reached" in record.getMessage()]
    assert len(warnings) == 1 and warnings[0].exc_info is None


def test_with_redis_down_healthz_says_the_cache_is_degraded_but_answers_200(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}
