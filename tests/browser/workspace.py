"""Helpers for the workspace's browser tests: people and data, signing in, checking a page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from engagements.models import Adviser, Council, Engagement, SupportRequest
from engagements.services import engagement_update
from lga_portal import roles
from tests.browser.axe import assert_no_axe_violations
from tests.engagements.factories import log, request_for

PASSWORD = "correct horse battery"


@dataclass
class World:
    alice: object
    bob: object
    manager: object
    hartlepool: Council
    engagement: Engagement
    support_request: SupportRequest


def user(username: str, group: str, first: str, last: str, staff: bool = False):
    account = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        first_name=first,
        last_name=last,
        is_staff=staff,
    )
    account.groups.add(Group.objects.get(name=group))
    return account


def make_world() -> World:
    """Two principal advisers, a manager, an engagement with some history and a waiting request."""
    alice = user("alice", roles.PRINCIPAL_ADVISERS, "Alice", "Adviser")
    bob = user("bob", roles.PRINCIPAL_ADVISERS, "Bob", "Adviser")
    manager = user("meg", roles.MANAGERS, "Meg", "Manager", staff=True)
    alice_adviser = Adviser.objects.create(user=alice, name="Alice Adviser", email="alice@advisers.example.org")
    bob_adviser = Adviser.objects.create(user=bob, name="Bob Adviser", email="bob@advisers.example.org")
    Council.objects.filter(gss_code__in=["E06000001", "E06000002", "E06000003"]).update(adviser=alice_adviser)
    Council.objects.filter(gss_code__in=["E06000004", "E06000005"]).update(adviser=bob_adviser)
    hartlepool = Council.objects.get(gss_code="E06000001")
    engagement = log(hartlepool, alice_adviser, summary="Talked through the budget.", private_notes="Reserves low.")
    engagement = engagement_update(
        engagement=engagement, user=manager, version=1, summary="Talked through the budget and reserves."
    )
    support_request = request_for(hartlepool, message="We would like a finance adviser.")
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
    page.wait_for_load_state()
    assert "Server Error" not in page.content()
    if title is not None:
        assert title in page.title(), page.title()
    if axe:
        assert_no_axe_violations(page)
