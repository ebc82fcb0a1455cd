"""Helpers for the workspace's browser tests: people and data, signing in, checking a page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import expect

from engagements.models import Council, Engagement, SupportRequest
from engagements.services import engagement_update
from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, AdviserFactory, EngagementFactory, SupportRequestFactory, UserFactory


@dataclass
class World:
    alice: object
    bob: object
    manager: object
    hartlepool: Council
    engagement: Engagement
    support_request: SupportRequest


def make_world() -> World:
    """Two principal advisers, a manager, an engagement with some history and a waiting request."""
    alice_adviser = AdviserFactory(
        user__username="alice",
        user__first_name="Alice",
        user__last_name="Adviser",
        councils=["E06000001", "E06000002", "E06000003"],
    )
    bob_adviser = AdviserFactory(
        user__username="bob", user__first_name="Bob", user__last_name="Adviser", councils=["E06000004", "E06000005"]
    )
    alice, bob = alice_adviser.user, bob_adviser.user
    manager = UserFactory(role="manager", username="meg", first_name="Meg", last_name="Manager")
    hartlepool = Council.objects.get(gss_code="E06000001")
    engagement = EngagementFactory(
        council=hartlepool, adviser=alice_adviser, summary="Talked through the budget.", private_notes="Reserves low."
    )
    engagement = engagement_update(
        engagement=engagement, user=manager, version=1, summary="Talked through the budget and reserves."
    )
    support_request = SupportRequestFactory(council=hartlepool, message="We would like a finance adviser.")
    return World(alice, bob, manager, hartlepool, engagement, support_request)


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(base_url + "/workspace/")


def check(page, title: str | None = None, *, axe: bool = True) -> None:
    """The page loaded without a server error and passes axe (WCAG 2.2 A and AA).

    Pass ``axe=False`` on pages opened with JavaScript switched off: axe-core's run never
    finishes there (its promise needs the page's timers), so those journeys check the
    same pages that the JavaScript-on tests have already put through axe.
    """
    if title is not None:  # after a click, wait for the page it leads to
        expect(page).to_have_title(re.compile(re.escape(title)))
    page.wait_for_load_state()
    assert "Server Error" not in page.content()
    if title is not None:
        assert title in page.title(), page.title()
    if axe:
        assert_no_axe_violations(page)
