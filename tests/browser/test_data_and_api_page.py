"""An analyst signs in and lands on the data and API page: accessible, and working without JavaScript."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from lga_portal import roles
from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def analyst(seeded_live_server):
    user = get_user_model().objects.create_user(username="ann", password=PASSWORD, email="ann@example.org")
    user.groups.add(Group.objects.get(name=roles.ANALYSTS))
    return user


@pytest.mark.parametrize("fixture", ["page", "page_no_js"])
def test_an_analyst_signs_in_and_lands_on_an_accessible_page(request, seeded_live_server, analyst, fixture):
    page = request.getfixturevalue(fixture)
    base = seeded_live_server.url
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # by keyboard
    page.wait_for_url(base + "/workspace/data/")
    assert page.title() == "Data and API – LGA support offer"
    assert page.locator("h1").inner_text() == "Data and API"
    assert_no_axe_violations(page)

    # The links work as plain links: the token page, then back by the service navigation.
    page.get_by_role("link", name="Create or revoke your API tokens").click()
    assert page.locator("h1").inner_text() == "API tokens"
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Data and API").click()
    expect(page).to_have_url(base + "/workspace/data/")
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="/api/hsds/services").click()
    assert navigation.value.status == 200
    assert '"contents"' in page.content()  # the HSDS paging envelope
