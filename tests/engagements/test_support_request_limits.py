"""The support request form's spam limit per client address, beside the one per email address:
counted in Django's cache, behind proxies by the client's own address, refused with a reason and
a time to try again, and never in the way when the cache is down."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from engagements.models import Adviser, Council, SupportRequest
from engagements.services import REQUEST_ADDRESS_RATE_LIMITED
from tests.conftest import seed_reference_data

OFFER = "recovery-and-renewal-panel"
URL = f"/offers/{OFFER}/request/"
LIMIT = 3


@pytest.fixture
def per_address(settings):
    """A limit of three requests an hour from one address, counted from nothing."""
    settings.PORTAL = {**settings.PORTAL, "SUPPORT_REQUESTS_PER_ADDRESS_PER_HOUR": LIMIT}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hartlepool(db):
    adviser = Adviser.objects.create(name="Pat Adviser", email="pat@example.org")
    Council.objects.filter(gss_code="E06000001").update(adviser=adviser)


def answers(email: str) -> dict:
    return {
        "council": "E06000001",
        "name": "Sam Officer",
        "email": email,
        "message": "We'd like a panel.",
        "consent": "on",
        "website": "",
    }


def to_adviser() -> list:
    """The emails sent to the adviser (each requester also gets a confirmation)."""
    return [message for message in mail.outbox if message.to == ["pat@example.org"]]


def send(client, capture, email, **headers):
    with capture(execute=True):
        return client.post(URL, answers(email), **headers)


def expected_refusals(first_sent: datetime.datetime, last_sent: datetime.datetime) -> set[str]:
    """The refusal as it may read: the time is an hour after the first request, to the minute."""
    return {
        REQUEST_ADDRESS_RATE_LIMITED.format(limit=LIMIT, time=f"{timezone.localtime(moment):%H:%M}")
        for moment in (first_sent + datetime.timedelta(hours=1), last_sent + datetime.timedelta(hours=1))
    }


def test_one_client_with_many_email_addresses_is_refused_after_the_limit(
    client, hartlepool, per_address, django_capture_on_commit_callbacks
):
    first_sent = timezone.now()
    statuses = [
        send(client, django_capture_on_commit_callbacks, f"officer{n}@example.org").status_code for n in range(10)
    ]
    after_first = timezone.now()
    assert statuses == [302] * LIMIT + [200] * (10 - LIMIT)
    assert SupportRequest.objects.count() == LIMIT
    assert len(to_adviser()) == LIMIT  # the adviser was emailed three times, not ten

    response = send(client, django_capture_on_commit_callbacks, "officer99@example.org")
    (message,) = response.context["form"].non_field_errors()
    assert message in expected_refusals(first_sent, after_first)
    assert "try again after" in message
    html = response.content.decode()
    assert "There is a problem" in html and message.replace("'", "&#x27;") in html


def test_another_client_is_not_held_up(client, hartlepool, per_address, django_capture_on_commit_callbacks):
    for n in range(LIMIT):
        send(client, django_capture_on_commit_callbacks, f"officer{n}@example.org", REMOTE_ADDR="192.0.2.10")
    assert (
        send(client, django_capture_on_commit_callbacks, "late@example.org", REMOTE_ADDR="192.0.2.10").status_code
        == 200
    )
    assert (
        send(client, django_capture_on_commit_callbacks, "late@example.org", REMOTE_ADDR="192.0.2.11").status_code
        == 302
    )


def test_a_form_with_errors_does_not_count(client, hartlepool, per_address, django_capture_on_commit_callbacks):
    for _ in range(LIMIT + 2):
        assert send(client, django_capture_on_commit_callbacks, "not-an-email").status_code == 200
    assert send(client, django_capture_on_commit_callbacks, "sam@example.org").status_code == 302


def test_without_a_proxy_a_forged_forwarded_for_header_changes_nothing(
    client, hartlepool, per_address, settings, django_capture_on_commit_callbacks
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    statuses = [
        send(
            client,
            django_capture_on_commit_callbacks,
            f"officer{n}@example.org",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(LIMIT + 1)
    ]
    assert statuses == [302] * LIMIT + [200]


def test_behind_a_proxy_the_clients_own_address_is_counted(
    client, hartlepool, per_address, settings, django_capture_on_commit_callbacks
):
    # One proxy in front (API_NUM_PROXIES=1, or BEHIND_PROXY=1): every request comes from the
    # proxy's address; the client's is the last one the proxy added to X-Forwarded-For.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for n in range(LIMIT):
        forwarded = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}, 192.0.2.20"}
        assert (
            send(client, django_capture_on_commit_callbacks, f"a{n}@example.org", **proxy, **forwarded).status_code
            == 302
        )
    refused = send(
        client, django_capture_on_commit_callbacks, "b@example.org", **proxy, HTTP_X_FORWARDED_FOR="192.0.2.20"
    )
    assert refused.status_code == 200
    other_client = send(
        client, django_capture_on_commit_callbacks, "c@example.org", **proxy, HTTP_X_FORWARDED_FOR="192.0.2.21"
    )
    assert other_client.status_code == 302


def test_the_count_is_kept_in_the_shared_cache(client, hartlepool, per_address, django_capture_on_commit_callbacks):
    for n in range(LIMIT):
        send(client, django_capture_on_commit_callbacks, f"officer{n}@example.org")
    assert send(client, django_capture_on_commit_callbacks, "late@example.org").status_code == 200
    cache.clear()  # what every worker shares: emptied, the client may send again
    assert send(client, django_capture_on_commit_callbacks, "late@example.org").status_code == 302


@pytest.fixture
def database_cache(settings, transactional_db):
    """Django's database cache as the shared cache (the table made as createcachetable does)."""
    from django.core.management import call_command

    if not Council.objects.exists():
        seed_reference_data()  # a transactional test may follow one that emptied the database
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache_test"}
    }
    call_command("createcachetable", verbosity=0)


def test_the_limit_holds_in_a_cache_shared_by_processes(
    client, database_cache, hartlepool, per_address, django_capture_on_commit_callbacks
):
    statuses = [
        send(client, django_capture_on_commit_callbacks, f"officer{n}@example.org").status_code
        for n in range(LIMIT + 1)
    ]
    assert statuses == [302] * LIMIT + [200]


@pytest.fixture
def cache_down(settings, transactional_db):
    """A cache that answers every call with an error: Django's database cache without its table."""
    if not Council.objects.exists():
        seed_reference_data()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_cache_table"}
    }


def test_with_the_cache_down_requests_still_go_through_and_it_is_logged_once(
    client, cache_down, hartlepool, settings, caplog, django_capture_on_commit_callbacks
):
    settings.PORTAL = {**settings.PORTAL, "SUPPORT_REQUESTS_PER_ADDRESS_PER_HOUR": LIMIT}
    caplog.set_level(logging.WARNING)
    statuses = [
        send(client, django_capture_on_commit_callbacks, f"officer{n}@example.org").status_code
        for n in range(LIMIT + 2)
    ]
    assert statuses == [302] * (LIMIT + 2)  # the limit fails open; the form never fails
    assert SupportRequest.objects.count() == LIMIT + 2 and len(to_adviser()) == LIMIT + 2
    warnings = [r for r in caplog.records if r.name == "lga_portal.rate_limits"]
    assert len(warnings) == 1
    assert "cache" in warnings[0].getMessage() and warnings[0].exc_info is None
