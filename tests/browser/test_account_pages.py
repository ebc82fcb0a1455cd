"""Sign-in, lock-out and password pages pass axe in Chromium."""

import re

import pytest
from django.core import mail

from tests.browser.workspace import PASSWORD, check, make_world, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(seeded_live_server, settings):
    mail.outbox = []
    return make_world()


def test_sign_in_pages_and_the_lock_out(page, seeded_live_server, world, settings):
    base = seeded_live_server.url
    page.goto(base + "/workspace/")
    assert page.url.startswith(base + "/accounts/login/?next=")
    check(page, "Sign in")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "not the password")
    page.click("button:has-text('Sign in')")
    check(page, "Error: Sign in")
    assert page.locator(".govuk-error-summary").is_visible()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page.fill("#id_username", "alice")
        page.fill("#id_password", "not the password")
        page.click("button:has-text('Sign in')")
    check(page, "Sign-in locked")
    assert "Wait 1 hour, then try again." in page.inner_text("main")


def test_password_pages(page, seeded_live_server, world):
    base = seeded_live_server.url
    page.goto(base + "/accounts/password_reset/")
    check(page, "Reset your password")
    page.fill("#id_email", "not an email")
    page.click("button:has-text('Send the link')")
    check(page, "Error: Reset your password")
    page.fill("#id_email", world.alice.email)
    page.click("button:has-text('Send the link')")
    check(page, "Check your email")

    link = re.search(r"http://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(base + link)
    check(page, "Choose a new password")
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "different")
    page.click("button:has-text('Save password')")
    check(page, "Error: Choose a new password")
    page.fill("#id_new_password1", "a brand new passphrase")
    page.fill("#id_new_password2", "a brand new passphrase")
    page.click("button:has-text('Save password')")
    check(page, "Password changed")
    page.goto(base + "/accounts/reset/MQ/set-password/")
    check(page, "The link has expired")

    sign_in(page, base, "bob", PASSWORD)
    page.goto(base + "/accounts/password_change/")
    check(page, "Change your password")
    page.click("button:has-text('Change password')")
    check(page, "Error: Change your password")


def test_signing_out(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.click("button:has-text('Sign out')")
    page.wait_for_url(base + "/")
    page.goto(base + "/workspace/")
    assert "/accounts/login/" in page.url
