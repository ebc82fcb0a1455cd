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


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(api, low_rates):
    # No proxy is configured, so X-Forwarded-For is whatever the caller wrote: it is ignored.
    statuses = [api.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize(
    "environment, proxies",
    [
        ({}, 0),
        ({"BEHIND_PROXY": "1"}, 1),
        ({"API_NUM_PROXIES": "2"}, 2),
        ({"BEHIND_PROXY": "1", "API_NUM_PROXIES": "0"}, 0),
    ],
)
def test_the_proxies_counted_come_from_api_num_proxies_or_behind_proxy(environment, proxies):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        k: v for k, v in os.environ.items() if k not in {"BEHIND_PROXY", "API_NUM_PROXIES", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(environment, DEBUG="1")
    script = "from lga_portal import settings; print(settings.REST_FRAMEWORK['NUM_PROXIES'])"
    project = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == str(proxies), result.stderr
