"""Journeys through the workspace: with the keyboard only, and with JavaScript switched off."""

import re

import pytest

from engagements.models import Engagement, SupportRequestStatus
from tests.browser.workspace import check, make_world, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(seeded_live_server):
    return make_world()


DETAIL = re.compile(r"/workspace/engagements/\d+/$")


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def test_logging_an_engagement_with_the_keyboard_only(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    # From the dashboard, to the form.
    tab_to(page, "main a[href='/workspace/engagements/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/workspace/engagements/new/")
    check(page, "Log an engagement")

    # The council: the public pages' autocomplete; the first match is chosen with Enter.
    tab_to(page, "#id_council")
    page.keyboard.type("middlesbro")
    page.wait_for_selector("#id_council__listbox li")
    page.keyboard.press("Enter")
    assert page.eval_on_selector("#id_council-select", "s => s.options[s.selectedIndex].text") == "Middlesbrough"
    # The kind: type-ahead in the list.
    tab_to(page, "#id_kind")
    page.keyboard.type("Visit")
    # How: arrow keys move through the radios.
    tab_to(page, "input[name='channel']:checked")
    page.keyboard.press("ArrowLeft")  # from "Video call" to "In person"
    tab_to(page, "#id_summary")
    page.keyboard.type("Visited the leader and chief executive.")
    # Past the first Save button, the optional details.
    tab_to(page, "#id_roles_0")
    page.keyboard.press("Space")
    # An offer, found with the search box and ticked.
    tab_to(page, "#offer-search")
    page.keyboard.type("finance leadership")
    assert "match" in page.locator("#offer-search-status").inner_text()
    tab_to(page, "[data-offer-option]:not([hidden]) input")
    page.keyboard.press("Space")
    tab_to(page, "button[value='view']")
    page.keyboard.press("Enter")
    page.wait_for_url(DETAIL)
    check(page, "Visit with Middlesbrough")

    engagement = Engagement.objects.get(council__gss_code="E06000002")
    assert engagement.kind == "visit" and engagement.channel == "in_person"
    assert engagement.summary == "Visited the leader and chief executive."
    assert engagement.roles.count() == 1 and engagement.offers.count() == 1
    assert "Finance" in engagement.offers.get().title or "finance" in engagement.offers.get().title.lower()


def test_logging_an_engagement_without_javascript(page_no_js, seeded_live_server, world):
    page = page_no_js
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + "/workspace/engagements/new/")
    check(page, "Log an engagement", axe=False)
    assert page.locator("#offer-search").is_hidden()  # the search box needs JavaScript
    page.select_option("#id_council", label="Redcar and Cleveland")
    page.select_option("#id_kind", "coaching")
    page.check("#id_channel_0")
    page.fill("#id_summary", "Coaching for the new leader.")
    page.fill("#id_hours", "1.5")
    # Offers: open a theme (native <details>) and tick an offer.
    page.click("summary:has-text('Leadership')")
    page.locator("details[open] [data-offer-option] input").first.check()
    page.click("button:has-text('Save and log another')")
    page.wait_for_url(re.compile(r"/workspace/engagements/new/\?"))
    check(page, "Log an engagement", axe=False)
    assert "Engagement saved" in page.inner_text("main")
    engagement = Engagement.objects.get(council__gss_code="E06000003")
    assert str(engagement.hours) == "1.50" and engagement.offers.count() == 1


def test_converting_a_request_without_javascript(page_no_js, seeded_live_server, world):
    page = page_no_js
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + "/workspace/requests/")
    page.click(f"a:has-text('{world.support_request.reference}')")
    check(page, "Support request", axe=False)
    page.click("button:has-text('Acknowledge')")
    assert "acknowledged" in page.inner_text("main")
    page.click("a:has-text('Convert into an engagement')")
    check(page, "Convert request", axe=False)
    assert page.input_value("#id_council") == str(world.hartlepool.pk)
    assert world.support_request.reference in page.input_value("#id_summary")
    page.select_option("#id_kind", "call")
    page.click("button:has-text('Save engagement and close the request')")
    page.wait_for_url(DETAIL)
    check(page, axe=False)
    assert world.support_request.reference in page.inner_text("main")
    world.support_request.refresh_from_db()
    assert world.support_request.status == SupportRequestStatus.CONVERTED
    assert world.support_request.engagement.council == world.hartlepool
