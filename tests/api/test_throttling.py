"""Rate limits: 429 with Retry-After, per address for anonymous callers and per user for tokens."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute", "stats": "2/minute"},
    }
    yield
    cache.clear()


def test_anonymous_callers_are_limited_with_retry_after(api, low_rates):
    statuses = [api.get("/api/v1/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/regions/")
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_signed_in_callers_have_their_own_higher_limit(api, client_for, analyst, low_rates):
    for _ in range(3):
        api.get("/api/v1/regions/")
    assert api.get("/api/v1/regions/").status_code == 429
    client = client_for(analyst)
    assert [client.get("/api/v1/regions/").status_code for _ in range(6)] == [200] * 5 + [429]


def test_aggregates_have_a_scope_of_their_own(client_for, analyst, low_rates):
    client = client_for(analyst)
    statuses = [
        client.get("/api/v1/stats/survey-trends/", {"survey": "resident-satisfaction"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/regions/").status_code == 200
