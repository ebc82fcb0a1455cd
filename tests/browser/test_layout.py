"""Site-wide layout in a real browser: accessibility (axe-core, WCAG 2.2 AA),
keyboard access via the skip link, and pages working with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

PAGES = ["/", "/accessibility/"]
MISSING = "/this-page-does-not-exist/"


def _open(page, url):
    """Go to ``url``; collect CSP violations and uncaught errors on the way."""
    problems = []
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    response = page.goto(url)
    return response, problems


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(page, live_server, path):
    response, problems = _open(page, live_server.url + path)
    assert response.status == 200
    assert page.title().endswith(" – LGA support offer")
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)
    assert problems == []


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations_without_javascript(page_no_js, live_server, path):
    response, _ = _open(page_no_js, live_server.url + path)
    assert response.status == 200
    assert_no_axe_violations(page_no_js)


def test_missing_page_is_a_gov_uk_404(page, live_server):
    response, problems = _open(page, live_server.url + MISSING)
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.title() == "Page not found – LGA support offer"
    assert_no_axe_violations(page)
    assert problems == []


@pytest.mark.parametrize("fixture", ["page", "page_no_js"])
def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(request, live_server, fixture):
    page = request.getfixturevalue(fixture)
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-skip-link')")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    # The next Tab carries on from the main content (inside it or after it), not the header.
    page.keyboard.press("Tab")
    assert page.evaluate(
        """() => {
        const main = document.getElementById('main-content');
        const active = document.activeElement;
        return main.contains(active) || Boolean(main.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING);
    }"""
    )


def test_gov_uk_frontend_javascript_runs_under_the_csp(page, live_server):
    _, problems = _open(page, live_server.url + "/")
    body_class = page.evaluate("() => document.body.className")
    assert "js-enabled" in body_class and "govuk-frontend-supported" in body_class
    # initAll() marks each component it starts.
    page.wait_for_selector(".govuk-skip-link[data-govuk-skip-link-init]", state="attached")
    assert problems == []


def test_page_renders_and_navigates_without_javascript(page_no_js, live_server):
    page = page_no_js
    page.set_viewport_size({"width": 375, "height": 800})  # the mobile menu must not hide the links
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert "js-enabled" not in page.evaluate("() => document.body.className")
    assert page.locator("h1").is_visible()
    nav = page.get_by_role("navigation", name="Menu")
    for name in ["Home", "Support offers", "Councils", "Metrics", "Highlights report", "Sign in"]:
        assert nav.get_by_role("link", name=name, exact=True).is_visible(), name
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert nav.get_by_role("link", name="Home", exact=True).get_attribute("aria-current") == "page"
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility").click()
    expect(page).to_have_url(re.compile(r"/accessibility/$"))
    assert page.locator("h1").inner_text().startswith("Accessibility statement")
