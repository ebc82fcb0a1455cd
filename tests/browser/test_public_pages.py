"""The public pages in Chromium: axe-core on every page, keyboard-only and no-JavaScript
journeys, and the issue's "done when": a visitor finds coaching for chief executives, opens
it, sees who to contact, requests it for their council, and the adviser gets the email.
"""

import re

import pytest
from playwright.sync_api import expect

from engagements.models import SupportRequest
from tests.browser.axe import axe_violations, format_violations
from tests.factories import AdviserFactory

pytestmark = pytest.mark.browser

COACHING_OFFER = "emergency-coaching-and-mentoring-support"
COACHING_TITLE = "Emergency Coaching and Mentoring Support"


@pytest.fixture
def site(seeded_live_server):
    """The live server, with a principal adviser for Hartlepool (E06000001)."""
    AdviserFactory(name="Pat Adviser", email="pat.adviser@example.org", phone="020 7664 3000", councils=["E06000001"])
    return seeded_live_server.url


def watch_csp(page) -> list[str]:
    """Collects Content-Security-Policy violations the page reports."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def choose_council(page, name: str, *, js: bool) -> None:
    if js:
        page.fill("#id_council", name)
        page.click(f'#id_council__listbox li:text-is("{name}")')
    else:
        page.select_option("#id_council", label=name)


def fill_request(page, *, js: bool, email: str = "sam@hartlepool.example") -> None:
    choose_council(page, "Hartlepool", js=js)
    page.fill("#id_name", "Sam Officer")
    page.fill("#id_role", "Chief executive")
    page.fill("#id_email", email)
    page.fill("#id_message", "We'd like coaching for our new chief executive.")
    page.check("#id_consent")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_public_page_passes_axe(site, page, page_no_js, javascript):
    browser_page = page if javascript else page_no_js
    csp = watch_csp(browser_page)
    failures = []

    def check(label: str) -> None:
        violations = axe_violations(browser_page)
        if violations:
            failures.append(f"{label}: {format_violations(violations, browser_page.url)}")

    for label, path in [
        ("home", "/"),
        ("home, adviser finder error", "/?council="),
        ("catalogue", "/offers/"),
        ("catalogue, filtered", "/offers/?theme=leadership&audience=chief-executives&status=available"),
        ("catalogue, search with no results", "/offers/?q=zebracrossing&theme=leadership"),
        ("catalogue, search corrected", "/offers/?q=finanse+adviser"),
        ("catalogue, search as typed", "/offers/?q=finanse+adviser&exact=1"),
        ("catalogue, search with a recommended offer and extracts", "/offers/?q=covid+recovery"),
        ("catalogue, last page", "/offers/?page=999"),
        ("offer", f"/offers/{COACHING_OFFER}/"),
        ("theme", "/themes/leadership/"),
        ("councils", "/councils/"),
        ("councils, filtered", "/councils/?region=north-east&kind=unitary"),
        ("council", "/councils/E06000001/"),
        ("abolished council", "/councils/E07000026/"),
        ("404", "/offers/no-such-offer/"),
    ]:
        browser_page.goto(site + path)
        check(label)

    browser_page.goto(f"{site}/offers/{COACHING_OFFER}/request/")
    check("request form")
    browser_page.click("button:text('Send request')")
    expect(browser_page).to_have_title(re.compile(r"^Error: "))  # waits for the answer to the post
    check("request form with errors")
    fill_request(browser_page, js=javascript)
    browser_page.click("button:text('Send request')")
    browser_page.wait_for_selector("h1:text('Request sent')")
    check("confirmation")

    assert not failures, "\n\n".join(failures)
    assert not csp, csp


def test_keyboard_only_journey(site, page, mailoutbox):
    page.goto(site + "/")
    tab_to(page, "#home-search")
    page.keyboard.type("coaching")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/offers/\?q=coaching"))

    tab_to(page, f'a[href="/offers/{COACHING_OFFER}/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/offers/{COACHING_OFFER}/")

    tab_to(page, f'a[href="/offers/{COACHING_OFFER}/request/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/offers/{COACHING_OFFER}/request/")

    tab_to(page, "#id_council")
    page.keyboard.type("Hartlepool")
    page.wait_for_selector("#id_council__listbox li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_council-select") == "E06000001"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.keyboard.type("Sam Officer")
    page.keyboard.press("Tab")
    page.keyboard.type("Chief executive")
    page.keyboard.press("Tab")
    page.keyboard.type("sam@hartlepool.example")
    page.keyboard.press("Tab")
    page.keyboard.type("Coaching, please.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the spam trap is skipped: tabindex="-1"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send request"
    page.keyboard.press("Enter")

    page.wait_for_selector("h1:text('Request sent')")
    reference = SupportRequest.objects.get().reference
    assert reference in page.inner_text(".govuk-panel")
    assert [m.to for m in mailoutbox] == [["pat.adviser@example.org"], ["sam@hartlepool.example"]]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_misspelt_search_is_corrected_and_the_words_typed_are_one_keypress_away(site, page, page_no_js, javascript):
    page = page if javascript else page_no_js
    page.goto(site + "/offers/")
    tab_to(page, "#id_q")
    page.keyboard.type("finanse adviser")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=finanse"))
    assert page.inner_text("#results-heading") == "1 offer matching “finance adviser”"
    correction = page.inner_text(".app-search-correction")
    assert correction == "Showing results for finance adviser — search instead for finanse adviser"
    first = page.locator(".app-offer-summary").first
    assert first.locator("h3").inner_text().startswith("Finance Improvement and Sustainability Adviser")
    # The matched words are marked (PostgreSQL marks each word of a phrase, SQLite the phrase).
    marked = " ".join(first.locator(".app-offer-summary__extract mark").all_inner_texts())
    assert "FISA" in marked and "Sustainability Adviser" in marked

    tab_to(page, ".app-search-correction a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"exact=1"))
    assert page.inner_text("#results-heading") == "0 offers matching “finanse adviser”"
    assert page.locator(".app-search-correction").count() == 0


def test_a_recommended_offer_comes_first_and_says_so(site, page):
    page.goto(site + "/offers/?q=Covid+recovery")
    first = page.locator(".app-offer-summary").first
    assert first.locator("h3").inner_text() == "LGA Recovery and Renewal Panel"
    assert first.locator(".govuk-tag").first.inner_text() == "Recommended"
    assert page.locator(".govuk-tag:text-is('Recommended')").count() == 1


def test_no_javascript_journey(site, page_no_js, mailoutbox):
    page = page_no_js
    page.goto(site + "/offers/")
    page.click("summary:has-text('Who it is for')")
    page.check("label:text-is('Chief executives')")
    page.click("summary:has-text('Format')")
    page.check("label:text-is('Coaching and mentoring')")
    page.click("button:text('Apply filters')")
    expect(page).to_have_url(re.compile("audience=chief-executives"))
    assert "audience=chief-executives" in page.url and "format=coaching-and-mentoring" in page.url
    assert page.is_checked("label:text-is('Chief executives')")  # the filter is kept

    page.click(f"a:has-text('{COACHING_TITLE}')")
    assert page.inner_text("h1").startswith(COACHING_TITLE)
    page.click("a:has-text('Request this support')")

    # Without JavaScript the council picker is a plain <select>.
    assert page.locator("select#id_council").is_visible()
    fill_request(page, js=False)
    page.click("button:text('Send request')")
    page.wait_for_selector("h1:text('Request sent')")
    assert SupportRequest.objects.get().reference in page.inner_text(".govuk-panel")
    assert len(mailoutbox) == 2  # the adviser's, and the requester's confirmation


def test_done_when_a_visitor_finds_coaching_for_chief_executives_and_requests_it(site, page, mailoutbox):
    csp = watch_csp(page)
    page.goto(site + "/")
    page.fill("#home-search", "coaching")
    page.click("button:text-is('Search')")
    page.click("summary:has-text('Who it is for')")
    page.check("label:text-is('Chief executives')")
    page.click("button:text('Apply filters')")
    expect(page).to_have_url(re.compile("audience=chief-executives"))
    assert "q=coaching" in page.url and "audience=chief-executives" in page.url
    assert page.inner_text("#results-heading") == "1 offer matching “coaching”"

    page.click(f"a:has-text('{COACHING_TITLE}')")
    contact = page.inner_text("#contact + p")
    assert "principal adviser" in contact  # who to contact

    page.click("a:has-text('Request this support')")
    page.fill("#id_council", "Hartle")
    page.click("#id_council__listbox li:text-is('Hartlepool')")
    page.fill("#id_name", "Sam Officer")
    page.fill("#id_email", "sam@hartlepool.example")
    page.check("#id_consent")
    page.click("button:text('Send request')")

    page.wait_for_selector("h1:text('Request sent')")
    request = SupportRequest.objects.select_related("council", "offer").get()
    assert (request.council.gss_code, request.offer.slug) == ("E06000001", COACHING_OFFER)
    assert request.reference in page.inner_text(".govuk-panel")
    assert "Pat Adviser" in page.inner_text("main")

    email, confirmation = mailoutbox
    assert email.to == ["pat.adviser@example.org"]
    assert request.reference in email.subject and "Hartlepool" in email.subject
    assert "Sam Officer" in email.body and COACHING_TITLE in email.body
    # The requester's confirmation names who will answer and links to their private status page.
    assert confirmation.to == ["sam@hartlepool.example"]
    assert "Pat Adviser, Hartlepool's LGA principal adviser" in confirmation.body
    status_path = f"/requests/{request.status_token}/"
    assert status_path in confirmation.body
    page.click("a:has-text('see where your request has got to')")
    page.wait_for_url(f"**{status_path}")
    assert "Received" in page.inner_text("#request-status")
    assert not csp, csp


def test_finding_your_adviser_with_and_without_javascript(site, page, page_no_js):
    page.goto(site + "/")
    page.fill("#find-adviser-council", "Hartle")
    page.click("#find-adviser-council__listbox li:text-is('Hartlepool')")
    page.click("button:text('Find adviser')")
    page.wait_for_url("**/councils/E06000001/#principal-adviser")
    assert "Pat Adviser" in page.inner_text("main")

    page_no_js.goto(site + "/")
    page_no_js.select_option("#find-adviser-council", label="Hartlepool")
    page_no_js.click("button:text('Find adviser')")
    assert "pat.adviser@example.org" in page_no_js.inner_text("main")


def test_a_revalidated_page_keeps_its_scripts_working(site, page):
    """A 304 reuses the cached HTML, nonce and all: scripts must still run under the new CSP."""
    csp = watch_csp(page)
    first = page.goto(site + "/")
    etag = first.header_value("etag")
    assert etag
    second = page.goto(site + "/")
    # Chromium revalidates the stored page; the server answers 304 to a matching ETag.
    assert second.request.header_value("if-none-match") == etag
    assert page.evaluate("document.body.classList.contains('js-enabled')")
    page.wait_for_selector("#find-adviser-council.autocomplete__input")
    assert not csp, csp


def test_the_offer_page_prints_without_navigation_or_buttons(site, page):
    page.goto(f"{site}/offers/{COACHING_OFFER}/")
    assert page.is_visible("a:has-text('Request this support')")
    page.emulate_media(media="print")
    assert not page.is_visible("a:has-text('Request this support')")
    assert not page.is_visible(".govuk-service-navigation")
    assert not page.is_visible(".govuk-breadcrumbs")
    assert page.is_visible("h1") and page.is_visible("#contact")
