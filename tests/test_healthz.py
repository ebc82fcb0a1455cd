"""The liveness and database check used by load balancers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_answers_ok_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable():
    # A separate process whose DATABASE_URL points at a port nothing listens on.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lga_portal.test_settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
        "PGCONNECT_TIMEOUT": "2",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 503, "body": {"status": "unavailable", "database": "unreachable", "cache": "ok"}}


@pytest.mark.django_db
def test_favicon_redirects_to_the_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_healthz_answers_plain_http_under_production_settings(tmp_path):
    """A load balancer probes /healthz over plain HTTP; production's HTTPS redirect must not catch it."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "c = Client();"
        "print(json.dumps({path: [r.status_code, r.get('Location')] for path in ('/healthz', '/offers/')"
        " for r in [c.get(path)]}))"
    )
    env = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECURE_SSL_REDIRECT", "BEHIND_PROXY"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lga_portal.settings",
            "SECRET_KEY": "production-like-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["/healthz"] == [200, None]
    # Everything else is still sent to HTTPS.
    assert answers["/offers/"] == [301, "https://testserver/offers/"]


@pytest.mark.django_db
def test_healthz_is_answered_before_the_session_middleware_with_the_same_headers(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    fast = client.get("/healthz", secure=True)
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != "lga_portal.http.SessionlessMiddleware"]
    full = Client().get("/healthz", secure=True)
    assert not hasattr(fast.wsgi_request, "session") and hasattr(full.wsgi_request, "session")
    assert (fast.status_code, dict(fast.headers), fast.content) == (full.status_code, dict(full.headers), full.content)
    assert "Strict-Transport-Security" in fast and "X-Frame-Options" in fast and not fast.cookies


@pytest.mark.django_db
def test_healthz_refuses_other_methods_as_before(client):
    # A POST goes through the whole stack: refused for its missing CSRF token, as any other.
    assert Client(enforce_csrf_checks=True).post("/healthz").status_code == 403
    assert client.head("/healthz").status_code == 405
