"""The API's pages in Chromium: the token page (with and without JavaScript) and the interactive docs."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from lga_portal.models import ApiToken
from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def create_token(page, name, lifetime="1 year"):
    page.get_by_label("Name").fill(name)
    page.get_by_label(lifetime).check()
    page.get_by_role("button", name="Create token").click()


def test_token_page_creates_shows_once_and_revokes_without_javascript(page_no_js, seeded_live_server, make_user):
    page = page_no_js
    analyst = make_user("analyst")
    sign_in(page, seeded_live_server, analyst)
    page.goto(f"{seeded_live_server.url}/api/tokens/")
    assert page.locator("h1").inner_text() == "API tokens"

    # A mistake is reported by the field, with an error summary, keeping what was typed.
    page.get_by_role("button", name="Create token").click()
    expect(page).to_have_title(re.compile(r"^Error: "))  # waits for the answer to the post
    assert "Enter a name" in page.locator(".govuk-error-summary").inner_text()

    create_token(page, "Power BI dashboard")
    key = page.locator("code.app-token").inner_text()
    assert key.startswith("lga_")

    page.get_by_role("link", name="Back to your API tokens").click()
    assert "Power BI dashboard" in page.locator("table").inner_text()
    assert key not in page.content()
    page.get_by_role("button", name="Revoke token “Power BI dashboard”").click()
    assert "revoked" in page.locator(".govuk-notification-banner").inner_text()
    assert ApiToken.objects.get(user=analyst).revoked_at is not None


def test_token_pages_pass_axe(page, seeded_live_server, make_user):
    sign_in(page, seeded_live_server, make_user("adviser"))
    page.goto(f"{seeded_live_server.url}/api/tokens/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Create token").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    create_token(page, "Notebook", lifetime="30 days")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to your API tokens").click()
    assert_no_axe_violations(page)


def test_interactive_docs_work_under_the_content_security_policy(page, seeded_live_server):
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    response = page.goto(f"{seeded_live_server.url}/api/docs/")
    assert "script-src" in response.headers["content-security-policy"]
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "LGA support-offer portal API" in title.inner_text()
    assert page.locator(".opblock").count() >= 30
    # Try one operation from the page: Swagger UI calls the API and shows the answer.
    operation = page.locator("#operations-regions-regions_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    operation.locator(".responses-table .response-col_status").first.wait_for()
    assert "E12000001" in operation.locator(".live-responses-table").inner_text()
    assert blocked == []
