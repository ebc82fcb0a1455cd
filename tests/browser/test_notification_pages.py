"""The notification pages in Chromium: the settings page (with and without JavaScript), the
requester's status page, unsubscribing, and the calendar address from the settings page
opened as a calendar program would, without a session. axe-core on each."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from icalendar import Calendar

from engagements import notifications
from engagements.models import DigestFrequency, EngagementStatus, NotificationPreference
from engagements.services import support_request_close
from tests.browser.workspace import check, make_world, sign_in
from tests.factories import EngagementFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def world(seeded_live_server, settings):
    # Links in emails and on the settings page point at the live server, as SITE_URL would.
    settings.PORTAL = {**settings.PORTAL, "SITE_URL": seeded_live_server.url}
    return make_world()


def test_the_settings_page_and_its_error_state(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.click("nav[aria-label='Workspace'] a:text-is('Notifications')")
    check(page, "Notification settings")
    assert page.get_attribute("nav[aria-label='Workspace'] a:text-is('Notifications')", "aria-current") == "page"

    page.uncheck("#id_follow_up_reminders")
    page.check("label:text-is('Every other week')")
    page.check("label:text-is('Thursday')")
    page.click("button:text-is('Save settings')")
    check(page, "Notification settings")
    assert "Your notification settings have been saved." in page.inner_text(".govuk-notification-banner")
    preference = NotificationPreference.objects.get(user=world.alice)
    assert (preference.follow_up_reminders, preference.digest, preference.digest_weekday) == (
        False,
        DigestFrequency.FORTNIGHTLY,
        3,
    )

    # The error state: no frequency chosen (the radios always have one, so clear them here).
    page.evaluate("document.querySelectorAll('input[name=digest]').forEach(r => { r.checked = false })")
    page.click("button:text-is('Save settings')")
    check(page, "Error: Notification settings")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Choose how often to send your digest" in page.inner_text("#id_digest-error")


def test_the_settings_page_and_unsubscribing_work_without_javascript(page_no_js, seeded_live_server, world):
    page = page_no_js
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + "/workspace/settings/")
    check(page, "Notification settings", axe=False)
    page.check("label:text-is('Never')")
    page.click("button:text-is('Save settings')")
    assert "have been saved" in page.inner_text("main")
    assert NotificationPreference.objects.get(user=world.alice).digest == DigestFrequency.OFF

    old = page.input_value("#calendar-url")
    page.click("summary:has-text('How to subscribe')")  # a native <details>
    assert "Subscribe from web" in page.inner_text(".govuk-details__text")
    page.click("button:text-is('Reset the link')")
    assert "calendar link has been reset" in page.inner_text("main")
    assert page.input_value("#calendar-url") != old

    page.goto(notifications.unsubscribe_url(world.bob, notifications.REMINDERS))
    check(page, "Unsubscribe from follow-up reminders", axe=False)
    page.click("button:text-is('Unsubscribe')")
    assert "You have unsubscribed" in page.inner_text("h1")
    assert NotificationPreference.objects.get(user=world.bob).follow_up_reminders is False


def test_the_calendar_address_opens_without_signing_in(page, browser, seeded_live_server, world):
    adviser = world.alice.adviser
    planned = EngagementFactory(
        council=world.hartlepool,
        adviser=adviser,
        status=EngagementStatus.PLANNED,
        date=timezone.localdate() + datetime.timedelta(days=7),
    )
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + "/workspace/settings/")
    url = page.input_value("#calendar-url")
    assert re.fullmatch(re.escape(base) + r"/calendar/[A-Za-z0-9_-]+\.ics", url)

    calendar_program = browser.new_context()  # no cookies, no session
    try:
        response = calendar_program.request.get(url)
        assert response.status == 200 and response.headers["content-type"] == "text/calendar; charset=utf-8"
        uids = {str(event["UID"]) for event in Calendar.from_ical(response.body()).walk("VEVENT")}
        assert f"engagement-{planned.pk}@{urlsplit(base).hostname}" in uids
    finally:
        calendar_program.close()


def test_the_status_page_and_unsubscribing(page, seeded_live_server, world):
    base = seeded_live_server.url
    support_request = world.support_request
    page.goto(base + f"/requests/{support_request.status_token}/")
    check(page, "Support request")
    assert "Received" in page.inner_text("#request-status")
    support_request_close(request=support_request, user=world.alice, reason="Covered by the regional programme.")
    page.reload()
    check(page, "Support request")
    assert "Covered by the regional programme." in page.inner_text("#closed-reason")

    page.goto(notifications.unsubscribe_url(world.alice, notifications.DIGEST))
    check(page, "Unsubscribe from the digest")
    page.click("button:text-is('Unsubscribe')")
    check(page, "Unsubscribed from the digest")
    assert NotificationPreference.objects.get(user=world.alice).digest == DigestFrequency.OFF

    page.goto(base + "/unsubscribe/not-a-real-token/")
    check(page, "Page not found")
    page.goto(base + "/requests/not-a-real-token-either/")
    check(page, "Page not found")
