"""Metrics pages and the highlights report in Chromium: axe (WCAG 2.2 AA), no JavaScript, print."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from engagements.models import DEMO_IMPORT_PREFIX, Adviser, Channel, Council, Engagement, EngagementKind
from engagements.summaries import refresh_summaries_for
from lga_portal import roles
from offers.models import Offer
from tests.browser.axe import assert_no_axe_violations, axe_violations, format_violations
from tests.factories import AdviserFactory, EngagementFactory, UserFactory

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/metrics/",
    "/metrics/surveys/",
    "/metrics/surveys/resident-satisfaction/",
    "/metrics/surveys/resident-satisfaction/?baseline=26&measure=trusts-council",
    "/metrics/surveys/resident-satisfaction/rounds/26/",
    "/metrics/indicators/",
    "/metrics/indicators/councils-supported-by-fisas/",
    "/metrics/take-up/?from=2020-01-01&to=2020-12-31",
    "/reports/highlights/",
    "/reports/highlights/?from=2020-03-01&to=2020-09-30",
]
ERROR_PAGES = [
    "/metrics/surveys/resident-satisfaction/?baseline=99&measure=nope",
    "/metrics/surveys/happiness/",
    "/metrics/surveys/resident-satisfaction/rounds/99/",
    "/metrics/take-up/?from=2020-12-31&to=2020-01-01",
    "/reports/highlights/?from=1970-01-01&to=2020-13-01",
    "/reports/highlights/?from=2000-01-01&to=2050-01-01",
]
SIGNED_IN_PAGES = [
    "/metrics/",
    "/metrics/coverage/",
    "/metrics/coverage/?from=2020-01-01&to=2020-12-31&period=month&by=region",
    "/metrics/coverage/?from=2020-01-01&to=2020-12-31&period=quarter&by=engagement_kind",
    "/metrics/coverage/?from=2020-12-31&to=2020-01-01",
    "/metrics/surveys/resident-satisfaction/import/",
    "/reports/highlights/?from=2020-03-01&to=2020-09-30",
]


@pytest.fixture
def engagements_2020(seeded_live_server):
    adviser = AdviserFactory()
    panel = Offer.objects.get(slug="recovery-and-renewal-panel")
    for i, council in enumerate(Council.objects.active().order_by("gss_code")[:30]):
        EngagementFactory(
            council=council,
            adviser=adviser,
            date=datetime.date(2020, 1 + i % 12, 10),
            kind=[EngagementKind.CALL, EngagementKind.PANEL, EngagementKind.VISIT][i % 3],
            channel=Channel.VIDEO,
            offers=[panel],
        )
    return seeded_live_server


def sign_in(page, live_server, role_group: str, username: str) -> None:
    """Give the browser a session for a new user in ``role_group`` (no login page needed)."""
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role_group))
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def check_pages(page, base_url: str, paths: list[str], *, allow_404: bool = False) -> None:
    """Visit each page: no error status, no console error (CSP included), no axe violation."""
    problems = []
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    for path in paths:
        console_errors.clear()
        response = page.goto(base_url + path)
        if response.status >= 500 or (response.status >= 400 and not (allow_404 and response.status == 404)):
            problems.append(f"{path}: HTTP {response.status}")
            continue
        if response.url != base_url + path:
            problems.append(f"{path}: redirected to {response.url}")
            continue
        violations = axe_violations(page)
        if violations:
            problems.append(format_violations(violations, path))
        if response.status == 404:  # the browser reports the page's own 404 status
            console_errors[:] = [e for e in console_errors if not e.startswith("Failed to load resource")]
        if console_errors:
            problems.append(f"{path}: console errors {console_errors}")
    assert not problems, "\n".join(problems)


def test_public_metrics_pages_pass_axe(page, engagements_2020):
    check_pages(page, engagements_2020.url, PUBLIC_PAGES)


def test_error_states_pass_axe(page, seeded_live_server):
    check_pages(page, seeded_live_server.url, ERROR_PAGES, allow_404=True)


def test_signed_in_pages_pass_axe(page, engagements_2020):
    sign_in(page, engagements_2020, roles.MANAGERS, "browser-manager")
    check_pages(page, engagements_2020.url, SIGNED_IN_PAGES)
    page.goto(engagements_2020.url + "/metrics/coverage/?from=2020-01-01&to=2020-12-31")
    assert page.locator("h1").inner_text() == "Engagement coverage"
    assert page.get_by_text("30 of 333 councils had at least one engagement").is_visible()


def test_survey_upload_errors_pass_axe(page, seeded_live_server, tmp_path):
    sign_in(page, seeded_live_server, roles.MANAGERS, "browser-uploader")
    bad = tmp_path / "rounds.csv"
    bad.write_text("round,label,period,happiness,trusts-council\n27,Oct-20,2020-10-01,50,101\n", encoding="utf-8")
    page.goto(seeded_live_server.url + "/metrics/surveys/resident-satisfaction/import/")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Check and import").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.locator("li").count() == 3
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)


def test_pages_work_without_javascript(page_no_js, seeded_live_server):
    page = page_no_js
    base = seeded_live_server.url
    page.goto(base + "/reports/highlights/")
    page.fill("#id_from", "2020-03-01")
    page.fill("#id_to", "2020-09-30")
    page.get_by_role("button", name="Show the report").click()
    assert page.locator("h1").inner_text().endswith("1 March 2020 to 30 September 2020")
    assert page.locator('svg[role="img"]').count() >= 1
    assert page.get_by_text("Signed coaching agreements for councillors: 44").is_visible()

    page.goto(base + "/metrics/surveys/resident-satisfaction/")
    assert page.locator('svg[role="img"]').count() == 6
    page.select_option("#id_baseline", "26")
    page.get_by_role("button", name="Update tables and charts").click()
    expect(page).to_have_url(re.compile("baseline=26"))
    assert page.get_by_role("heading", name="Change from round 26 (Jun-20)").is_visible()

    page.goto(base + "/metrics/indicators/")
    assert page.locator("svg.app-sparkline").count() > 0


def test_keyboard_reaches_the_period_form_and_error_summary(page, seeded_live_server):
    page.goto(seeded_live_server.url + "/reports/highlights/?from=2020-09-30&to=2020-03-01")
    # GOV.UK Frontend focuses the error summary; its link takes the reader to the field.
    summary_link = page.locator(".govuk-error-summary a").first
    assert summary_link.inner_text() == "The end date must be the same as or after the start date."
    summary_link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_to"


# The March–September 2020 report printed on A4 took 34 pages when every theme started a page;
# set like the printed report it replaces, it takes 9 with every theme's take-up table full.
MAX_REPORT_PAGES = 12


@pytest.fixture
def demo_take_up_everywhere(seeded_live_server):
    """The heaviest report: demo engagements taking up every published offer in March–September 2020."""
    adviser = Adviser.objects.create(name="Demo-like adviser (demo)", email="pdf@demo.example")
    councils = list(Council.objects.active().order_by("gss_code")[:40])
    offers = list(Offer.objects.published().order_by("pk"))
    engagements = Engagement.objects.bulk_create(
        Engagement(
            council=councils[(i * 7 + j) % len(councils)],
            adviser=adviser,
            date=datetime.date(2020, 3 + (i + j) % 7, 1 + j * 9),
            kind=EngagementKind.CALL,
            channel=Channel.PHONE,
            import_key=f"{DEMO_IMPORT_PREFIX}pdf-{i}-{j}",
        )
        for i in range(len(offers))
        for j in range(3)
    )
    Engagement.offers.through.objects.bulk_create(
        Engagement.offers.through(engagement_id=e.pk, offer_id=offers[n // 3].pk) for n, e in enumerate(engagements)
    )
    refresh_summaries_for(e.pk for e in engagements)  # written around the services, as a bulk load is
    return seeded_live_server


def pdf_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_report_prints_as_a_report_on_at_most_twelve_a4_pages(page, demo_take_up_everywhere):
    base = demo_take_up_everywhere.url
    # The pages that mark demo figures pass axe with the marks on.
    check_pages(page, base, ["/metrics/take-up/?from=2020-03-01&to=2020-09-30"])
    assert page.get_by_text("These figures include demo data").is_visible()
    page.goto(base + "/reports/highlights/?from=2020-03-01&to=2020-09-30")
    assert_no_axe_violations(page)
    pages = pdf_pages(page.pdf(format="A4"))
    assert 1 < len(pages) <= MAX_REPORT_PAGES, f"{len(pages)} pages"
    # Page 1 is full: the summary by theme starts there, and every theme's own part follows on.
    assert "By theme" in pages[0] and "Peer support" in pages[0]
    text = "\n".join(pages)
    for heading in ["Financial resilience", "Service-specific support", "Resident satisfaction polling", "Sources"]:
        assert heading in text
    # The figures from (demo) engagements say so on paper too.
    assert "Demo data" in pages[0]

    page.emulate_media(media="print")
    assert page.locator("form").first.evaluate("el => getComputedStyle(el).display") == "none"
    # No table row is split across pages, no heading is left at the foot of a page, a table's
    # caption stays with it; themes run on instead of each taking a fresh page.
    styles = page.evaluate(
        """() => ({
          rows: [...document.querySelectorAll('main tr')].map(el => getComputedStyle(el).breakInside),
          headings: [...document.querySelectorAll('main h2, main h3')].map(el => getComputedStyle(el).breakAfter),
          captions: [...document.querySelectorAll('main caption')].map(el => getComputedStyle(el).breakAfter),
          themes: [...document.querySelectorAll('section.app-report-theme')].map(el => getComputedStyle(el).breakBefore),
        })"""
    )
    assert len(styles["rows"]) > 100 and set(styles["rows"]) == {"avoid"}
    assert set(styles["headings"]) == {"avoid"}
    assert set(styles["captions"]) == {"avoid"}
    assert len(styles["themes"]) == 17 and set(styles["themes"]) == {"auto"}
    assert page.locator('svg[role="img"]').first.is_visible()
