"""The publications page and the offer and theme pages that link to it, in Chromium: axe-core with
and without JavaScript, and a keyboard-only search and filter with JavaScript off."""

import pytest

from tests.browser.axe import axe_violations, format_violations

pytestmark = pytest.mark.browser

PAGES = [
    ("publications", "/publications/"),
    ("publications, filtered", "/publications/?theme=leadership&kind=workbook"),
    ("publications, searched", "/publications/?q=domestic+abuse"),
    ("publications, nothing found", "/publications/?q=zebracrossing"),
    ("publications, page 2", "/publications/?page=2"),
    ("offer with publications and review date", "/offers/lg-inform-plus/"),
    ("offer launched by a period", "/offers/economic-growth-advisers-programme/"),
    ("theme with publications", "/themes/lg-inform/"),
    ("indicators", "/metrics/indicators/"),
]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_changed_pages_pass_axe(seeded_live_server, page, page_no_js, javascript):
    browser_page = page if javascript else page_no_js
    failures = []
    for label, path in PAGES:
        response = browser_page.goto(seeded_live_server.url + path)
        assert response.status == 200, label
        violations = axe_violations(browser_page)
        if violations:
            failures.append(f"{label}: {format_violations(violations, browser_page.url)}")
    assert not failures, "\n".join(failures)


def test_publications_search_and_filter_by_keyboard_without_javascript(seeded_live_server, page_no_js):
    page_no_js.goto(seeded_live_server.url + "/publications/")
    page_no_js.focus("#id_q")
    page_no_js.keyboard.type("workbook")
    page_no_js.keyboard.press("Enter")
    page_no_js.wait_for_selector("#results-heading:has-text('matching “workbook”')")
    assert "publications matching" in page_no_js.inner_text("#results-heading")
    # Kind is a plain fieldset of checkboxes: tick "Report" with the keyboard and apply.
    page_no_js.focus("input[name=kind][value=report]")
    page_no_js.keyboard.press("Space")
    page_no_js.focus("button:text('Apply filters')")
    page_no_js.keyboard.press("Enter")
    page_no_js.wait_for_url("**/publications/?q=workbook&kind=report")
    assert "No publications match your search and filters." in page_no_js.inner_text("main")
