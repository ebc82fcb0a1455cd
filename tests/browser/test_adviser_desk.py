"""The adviser at their desk, in Chromium: logging an engagement by keyboard in few key presses,
the GOV.UK date input with and without JavaScript, follow-ups and the requests inbox in the
order that needs action, sortable without JavaScript; every page through axe."""

import datetime
import re

import pytest
from django.utils import timezone

from engagements.models import Engagement, SupportRequest
from tests.browser.workspace import check, make_world, sign_in
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.browser

DETAIL = re.compile(r"/workspace/engagements/\d+/$")
# Logging an engagement with the required fields took 86 key presses, 43 of them Tab from the
# summary to Save, before Save came right after the fields most engagements need and the date
# and council became the GOV.UK date input and the public pages' council picker.
KEY_PRESSES = 17


@pytest.fixture
def world(seeded_live_server):
    return make_world()


class Keys:
    """The page's keyboard, counting every key pressed (a typed letter is one press)."""

    def __init__(self, page):
        self.page = page
        self.presses = 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.presses += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.presses += len(text)

    def tab_to(self, selector: str, limit: int = 100) -> int:
        """Press Tab until ``selector`` has the focus; how many presses it took."""
        for count in range(1, limit + 1):
            self.press("Tab")
            if self.page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return count
        raise AssertionError(f"could not reach {selector} with the Tab key")


def test_logging_an_engagement_by_keyboard_takes_few_key_presses(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + "/workspace/engagements/new/")
    check(page, "Log an engagement")
    page.focus("#id_council")  # where a click, or the first Tab past the page's links, lands
    keys = Keys(page)
    # The council, with the public pages' picker: a few letters, then Enter for the first match.
    keys.type("Hartl")
    page.wait_for_selector("#id_council__listbox li")
    keys.press("Enter")
    assert page.input_value("#id_council-select") == str(world.hartlepool.pk)
    # Today's date is filled in (three boxes); the kind by type-ahead; the channel and status as they are.
    assert keys.tab_to("#id_kind") == 4
    keys.type("ca")
    assert page.eval_on_selector("#id_kind", "s => s.value") == "call"
    # Save comes straight after the summary: one Tab, not 43.
    keys.tab_to("#id_summary")
    assert keys.tab_to("button[value='view']") == 1
    keys.press("Enter")
    page.wait_for_url(DETAIL)
    check(page, "Call with Hartlepool")
    assert keys.presses == KEY_PRESSES, keys.presses
    engagement = Engagement.objects.get(summary="", council=world.hartlepool)
    assert engagement.date == timezone.localdate() and engagement.channel == "video"


def test_the_date_input_without_javascript_says_what_is_missing(page_no_js, seeded_live_server, world):
    page = page_no_js
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + "/workspace/engagements/new/")
    check(page, "Log an engagement", axe=False)
    assert page.locator("select#id_council").is_visible()  # the plain list without JavaScript
    page.select_option("#id_council", label="Middlesbrough")
    page.select_option("#id_kind", "visit")
    page.fill("#id_date_day", "12")
    page.fill("#id_date_month", "")
    page.fill("#id_date_year", "2025")
    page.click("button[value='view']")
    check(page, "Error: Log an engagement", axe=False)
    error = " ".join(page.locator("#id_date-error").inner_text().split())
    assert error == "Error: Date of the engagement must include a month."
    assert "govuk-input--error" in page.get_attribute("#id_date_month", "class")
    assert "govuk-input--error" not in page.get_attribute("#id_date_day", "class")
    page.click(".govuk-error-summary a")
    assert page.evaluate("document.activeElement.id") == "id_date_month"
    page.fill("#id_date_month", "3")
    page.fill("#id_follow_up_on_day", "19")
    page.fill("#id_follow_up_on_month", "3")
    page.fill("#id_follow_up_on_year", "2025")
    page.click("button[value='view']")
    page.wait_for_load_state()
    # (The error summary's link left its #fragment, which the browser keeps through the redirect.)
    assert DETAIL.search(page.url.split("#")[0]), page.locator("main").inner_text()[:600]
    engagement = Engagement.objects.get(council__gss_code="E06000002")
    assert engagement.date == datetime.date(2025, 3, 12) and engagement.follow_up_on == datetime.date(2025, 3, 19)


def test_the_form_and_its_date_errors_pass_axe(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + "/workspace/engagements/new/")
    page.fill("#id_date_year", "20")
    page.fill("#id_follow_up_on_day", "40")
    page.click("button[value='view']")
    check(page, "Error: Log an engagement")
    errors = page.locator(".govuk-error-summary li").all_inner_texts()
    assert "Date of the engagement must be a real date." in errors
    assert "Follow-up date must include a month and year." in errors
    # The date is a group: its legend names it, each box has its own label.
    assert page.get_by_role("group", name="Date", exact=True).get_by_label("Year").input_value() == "20"


def test_follow_ups_and_the_inbox_put_what_needs_action_first(page, page_no_js, seeded_live_server, world):
    base = seeded_live_server.url
    today = timezone.localdate()
    adviser = world.engagement.adviser
    for days in (-300, -100, -60):
        EngagementFactory(
            council=world.hartlepool,
            adviser=adviser,
            date=today - datetime.timedelta(days=400),
            follow_up_on=today + datetime.timedelta(days=days),
        )
    EngagementFactory(
        council=world.hartlepool,
        adviser=adviser,
        date=today - datetime.timedelta(days=30),
        follow_up_on=today - datetime.timedelta(days=2),
    )
    EngagementFactory(
        council=world.hartlepool,
        adviser=adviser,
        date=today - datetime.timedelta(days=30),
        follow_up_on=today + datetime.timedelta(days=3),
    )
    older = SupportRequestFactory(
        council=world.hartlepool, email="older@hartlepool.example.org", message="Older request."
    )
    SupportRequest.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=9))

    sign_in(page, base, "alice")
    check(page, "Your councils")
    follow_ups = page.locator("#follow-ups + p + ul li")
    assert follow_ups.count() == 2
    assert "Overdue" in follow_ups.nth(0).inner_text() and "Due this week" in follow_ups.nth(1).inner_text()
    page.click("a:has-text('3 follow-ups overdue by more than 28 days')")
    check(page, "Engagements")
    assert page.locator("main tbody tr").count() == 3

    page.goto(base + "/workspace/requests/")
    check(page, "Support requests")
    references = page.locator("main tbody tr td:first-child").all_inner_texts()
    assert references == [world.support_request.reference, older.reference]  # newest first
    assert page.get_attribute("th[aria-sort]", "aria-sort") == "descending"

    # Without JavaScript, sorting is a link.
    page = page_no_js
    sign_in(page, base, "alice")
    page.goto(base + "/workspace/requests/")
    page.click("th a:has-text('Received')")
    check(page, "Support requests", axe=False)
    assert page.locator("main tbody tr td:first-child").all_inner_texts() == [
        older.reference,
        world.support_request.reference,
    ]
    assert page.get_attribute("th[aria-sort]", "aria-sort") == "ascending"
