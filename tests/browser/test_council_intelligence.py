"""The council profile (with suggestions and the dismissal form), the dashboard's quiet councils and
/metrics/needs/ in Chromium: axe (WCAG 2.2 A and AA) in every state, and the journeys without JavaScript."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from engagements.intelligence_services import DISMISS_REASON_REQUIRED
from engagements.models import Council, SuggestionDismissal
from lga_portal import roles
from offers.models import Offer, OfferStatus, Theme
from tests.browser.test_metrics_pages import check_pages
from tests.browser.test_metrics_pages import sign_in as sign_in_as_role
from tests.browser.workspace import check, make_world, sign_in
from tests.factories import EngagementFactory

pytestmark = pytest.mark.browser


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def world(seeded_live_server):
    """The workspace world, plus Hartlepool's needs (finance open, workforce met) and what
    similar councils took up: at least three explained suggestions."""
    world = make_world()
    adviser = world.alice.adviser
    available = Offer.objects.published().filter(status=OfferStatus.AVAILABLE).order_by("slug")
    finance, workforce = Theme.objects.get(slug="financial-resilience"), Theme.objects.get(slug="workforce")
    EngagementFactory(
        council=world.hartlepool,
        adviser=adviser,
        date=days_ago(60),
        themes=[finance, Theme.objects.get(slug="leadership")],
    )
    EngagementFactory(council=world.hartlepool, adviser=adviser, date=days_ago(40), themes=[workforce])
    EngagementFactory(
        council=world.hartlepool, adviser=adviser, date=days_ago(30), offers=[available.filter(theme=workforce).first()]
    )
    middlesbrough = Council.objects.get(gss_code="E06000002")
    EngagementFactory(
        council=middlesbrough,
        adviser=adviser,
        date=days_ago(10),
        offers=list(available.filter(theme__slug="communications")[:2]),
    )
    return world


def suggestion_count(page) -> int:
    return page.locator("#suggestion-list > li").count()


def test_the_profile_with_suggestions_and_the_dismissal_form_passes_axe(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + f"/workspace/councils/{world.hartlepool.slug}/")
    check(page, "Hartlepool: profile and timeline")
    assert page.locator("#needs").is_visible()
    assert page.get_by_text("Financial resilience was raised on").is_visible()
    assert suggestion_count(page) >= 3
    # Open the first dismissal form (a details element) and check the page with it open.
    first = page.locator("#suggestion-list > li").first
    first.locator("summary").click()
    check(page)
    # Without a reason: the error summary, and the message by the field.
    first.get_by_role("button", name="Dismiss suggestion").click()
    check(page, "Error: Hartlepool")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and DISMISS_REASON_REQUIRED in summary.inner_text()
    field_error = page.locator(".govuk-error-message").first
    assert field_error.is_visible() and DISMISS_REASON_REQUIRED in field_error.inner_text()
    # The summary's link takes the reader to the field.
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    before = suggestion_count(page)
    page.keyboard.type("Already working with another provider.")
    page.locator(".govuk-form-group--error").locator("xpath=ancestor::form").get_by_role("button").click()
    check(page, "Hartlepool")
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert SuggestionDismissal.objects.get().reason == "Already working with another provider."
    assert suggestion_count(page) <= before
    assert page.get_by_text("Dismissed suggestions (1)").is_visible()


def test_dismissing_works_without_javascript(page_no_js, seeded_live_server, world):
    page = page_no_js
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + f"/workspace/councils/{world.hartlepool.slug}/")
    check(page, "Hartlepool", axe=False)
    first = page.locator("#suggestion-list > li").first
    title = first.locator("a").first.inner_text()
    first.locator("summary").click()  # a native details element: no script needed
    first.get_by_role("button", name="Dismiss suggestion").click()
    check(page, "Error: Hartlepool", axe=False)
    assert page.locator(".govuk-error-summary").is_visible()
    form = page.locator(".govuk-form-group--error").locator("xpath=ancestor::form")
    form.locator("textarea").fill("Not a priority this year.")
    form.get_by_role("button").click()
    check(page, "Hartlepool", axe=False)
    assert f"{title} will not be suggested for Hartlepool again." in page.content()
    assert title not in page.locator("#suggestion-list").inner_text()


def test_the_dashboard_with_quiet_councils_passes_axe(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    check(page, "Your councils")
    assert page.locator("#quiet-councils").is_visible()


def test_the_unmet_needs_page_passes_axe_and_works_without_javascript(page, page_no_js, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in_as_role(page, seeded_live_server, roles.CATALOGUE_EDITORS, "browser-editor")
    today = timezone.localdate().isoformat()
    check_pages(
        page,
        base,
        [
            "/metrics/needs/",
            f"/metrics/needs/?from=2020-01-01&to={today}&by=region",
            f"/metrics/needs/?from=2020-01-01&to={today}&by=council_kind",
            "/metrics/needs/?from=2024-02-30&to=2020-01-01",
            "/metrics/",
        ],
    )
    page.goto(base + f"/metrics/needs/?from=2020-01-01&to={today}")
    assert page.locator('svg[role="img"]').count() == 1
    assert (
        page.get_by_role("cell", name="Financial resilience").count()
        + page.get_by_role("rowheader", name="Financial resilience").count()
        >= 1
    )

    plain = page_no_js
    sign_in_as_role(plain, seeded_live_server, roles.MANAGERS, "browser-manager")
    plain.goto(base + "/metrics/needs/")
    plain.fill("#id_from", "2020-01-01")
    plain.check("#id_by_1")  # region
    plain.get_by_role("button", name="Show unmet needs").click()
    expect(plain).to_have_url(re.compile("by=region"))
    assert plain.locator('svg[role="img"]').count() == 2
    assert plain.get_by_role("heading", name="By region").is_visible()


def test_done_when_a_demo_adviser_sees_needs_met_and_open_and_dismisses_a_suggestion(page, seeded_live_server):
    from django.contrib.auth import get_user_model

    from engagements.demo import load_demo
    from engagements.models import Adviser
    from tests.browser.workspace import PASSWORD

    load_demo()
    account = get_user_model().objects.get(username="demo-adviser")
    account.set_password(PASSWORD)
    account.save()
    council = Adviser.objects.get(user=account).councils.active().order_by("name").first()
    base = seeded_live_server.url
    sign_in(page, base, "demo-adviser")
    page.locator("#councils").get_by_role("link", name=council.name, exact=True).click()
    check(page, council.name)
    needs = page.locator("#needs").locator("xpath=following-sibling::table[1]")
    assert needs.locator(".govuk-tag--green").count() >= 1  # a need met
    assert needs.locator(".govuk-tag--orange").count() >= 1  # and one still open
    items = page.locator("#suggestion-list > li")
    assert items.count() >= 3
    for i in range(3):
        assert len(items.nth(i).locator("span.govuk-body").inner_text()) > 20  # each with its reason
    title = items.first.locator("a").first.inner_text()
    items.first.locator("summary").click()
    items.first.locator("textarea").fill("Discussed; the council has its own plans.")
    items.first.get_by_role("button", name="Dismiss suggestion").click()
    check(page, council.name)
    assert title not in page.locator("#suggestion-list").inner_text()
    assert page.locator(".govuk-notification-banner--success").is_visible()
