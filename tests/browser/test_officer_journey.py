"""The officer who asks for support, in Chromium: a former council's name finds its successor,
an offer that cannot be requested says so, and "Who to contact" names the contact — each page
passing axe, with and without JavaScript."""

import pytest

from offers.models import Offer, OfferStatus
from tests.browser.axe import axe_violations, format_violations
from tests.factories import AdviserFactory

pytestmark = pytest.mark.browser

OFFER = "emergency-coaching-and-mentoring-support"
SUSPENDED = "recovery-and-renewal-panel"


@pytest.fixture
def site(seeded_live_server):
    AdviserFactory(name="Pat Adviser", email="pat.adviser@example.org", phone="020 7664 3000", councils=["E06000001"])
    Offer.objects.filter(slug=SUSPENDED).update(status=OfferStatus.SUSPENDED)
    return seeded_live_server.url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_changed_pages_pass_axe(site, page, page_no_js, javascript):
    browser_page = page if javascript else page_no_js
    failures = []
    for label, path in [
        ("offer, contact for a council", f"/offers/{OFFER}/?council=E06000001"),
        ("offer, contact for a former council", f"/offers/{OFFER}/?council=E07000163"),
        ("offer, suspended", f"/offers/{SUSPENDED}/"),
        ("request form, suspended offer", f"/offers/{SUSPENDED}/request/"),
        ("councils, searched by a former name", "/councils/?q=Craven"),
        ("request form", f"/offers/{OFFER}/request/"),
    ]:
        browser_page.goto(site + path)
        violations = axe_violations(browser_page)
        if violations:
            failures.append(f"{label}: {format_violations(violations, browser_page.url)}")
    assert not failures, "\n\n".join(failures)


def test_typing_a_former_councils_name_finds_the_council_that_replaced_it(site, page):
    page.goto(f"{site}/offers/{OFFER}/request/")
    page.fill("#id_council", "Craven")
    option = page.locator('#id_council__listbox li:text-is("North Yorkshire (replaced Craven in April 2023)")')
    option.click()
    assert page.eval_on_selector("#id_council-select", "s => s.value") == "E06000065"


def test_without_javascript_choosing_a_council_shows_its_adviser(site, page_no_js):
    page_no_js.goto(f"{site}/offers/{OFFER}/")
    page_no_js.select_option("#contact-council", label="Hartlepool")
    page_no_js.click("button:text('Show who to contact')")
    text = page_no_js.inner_text("#contact-for-council")
    assert "For Hartlepool, contact Pat Adviser, its principal adviser: pat.adviser@example.org" in text


def test_with_javascript_choosing_a_council_shows_its_adviser(site, page):
    page.goto(f"{site}/offers/{OFFER}/")
    page.fill("#contact-council", "Hartlepool")
    page.click('#contact-council__listbox li:text-is("Hartlepool")')
    page.click("button:text('Show who to contact')")
    assert "Pat Adviser" in page.inner_text("#contact-for-council")


def test_a_suspended_offer_has_no_request_button_and_says_why(site, page_no_js):
    page_no_js.goto(f"{site}/offers/{SUSPENDED}/")
    assert page_no_js.locator("text=Request this support").count() == 0
    assert "This offer is suspended, so it cannot be requested at the moment." in page_no_js.inner_text(
        "#request-unavailable"
    )
