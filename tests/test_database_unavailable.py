"""With the database unreachable, pages and the API answer 503 with Retry-After, and the log
gets one line per failed request, not a traceback.

The database really is unreachable here (the ``database_down`` fixture in tests/conftest.py):
every query fails the way it does in an outage.
"""

import logging

import pytest
from django.test import Client

from lga_portal.middleware import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS

UNAVAILABLE_TITLE = "Sorry, the service is unavailable"


@pytest.fixture
def log_lines(caplog):
    """The log records of the request(s) a test makes, at WARNING and above."""
    caplog.set_level(logging.WARNING)
    return lambda: [record for record in caplog.records if record.levelno >= logging.WARNING]


def assert_one_line_no_traceback(records, path):
    assert len(records) == 1, [record.getMessage() for record in records]
    (record,) = records
    assert record.exc_info is None and not record.exc_text and not record.stack_info
    message = record.getMessage()
    assert "\n" not in message
    assert "Database unavailable" in message and path in message


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{UNAVAILABLE_TITLE}</h1>' in html
    assert f"<title>{UNAVAILABLE_TITLE} – LGA support offer</title>" in html
    assert "govuk-header" in html and "govuk-footer" in html


def assert_unavailable_json(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 503,
        "code": "database_unavailable",
        "detail": DATABASE_UNAVAILABLE,
        "errors": {},
    }


@pytest.mark.parametrize("path", ["/", "/offers/", "/councils/E06000001/", "/metrics/indicators/"])
def test_public_pages_answer_the_unavailable_page(database_down, log_lines, path):
    response = Client().get(path)
    assert_unavailable_page(response)
    assert_one_line_no_traceback(log_lines(), path)


def test_a_form_post_answers_the_unavailable_page(database_down, log_lines):
    client = Client()
    response = client.post("/accounts/login/", {"username": "someone", "password": "secret"})
    assert_unavailable_page(response)
    assert_one_line_no_traceback(log_lines(), "/accounts/login/")


@pytest.mark.parametrize(
    "path", ["/api/v1/offers/", "/api/v1/councils/?region=north-west", "/api/v1/stats/take-up/", "/api/hsds/services"]
)
def test_the_api_answers_503_in_its_error_shape(database_down, log_lines, path):
    response = Client().get(path)
    assert_unavailable_json(response)
    assert_one_line_no_traceback(log_lines(), path.split("?")[0])


def test_an_api_write_with_a_token_answers_503(database_down, log_lines):
    # Reading the token is the first query, in DRF's authentication.
    response = Client().post(
        "/api/v1/engagements/",
        {"council": "E06000001", "kind": "call", "channel": "phone"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer lga_not-a-real-key",
    )
    assert_unavailable_json(response)
    assert_one_line_no_traceback(log_lines(), "/api/v1/engagements/")


def test_a_signed_in_visitor_gets_503_not_500_when_the_session_cannot_be_read(database_down, log_lines):
    """The session and the signed-in user are loaded lazily, by the first thing that needs them;
    here the 404 page's layout (who is signed in), outside any view."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-key-the-database-would-look-up"
    response = client.get("/no/such/page/")
    assert_unavailable_page(response)
    assert_one_line_no_traceback(log_lines(), "/no/such/page/")


def test_the_workspace_and_admin_answer_503_for_a_signed_in_user(database_down, log_lines):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-key-the-database-would-look-up"
    assert_unavailable_page(client.get("/workspace/"))
    assert_unavailable_page(client.get("/admin/"))
    assert len(log_lines()) == 2


def test_the_health_check_still_answers_its_own_503(database_down):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok"}
