"""The issue's "done when": a demo principal adviser logs an engagement, sees the council's
coverage change on the dashboard, converts a support request, and exports the result as CSV."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from engagements.demo import load_demo
from engagements.models import Adviser, Engagement, EngagementStatus
from engagements.services import engagement_archive
from lga_portal.periods import quarter_of
from tests.browser.workspace import PASSWORD, check, sign_in
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.browser

COVERAGE = re.compile(r"(\d+) of (\d+) councils")


@pytest.fixture
def demo(seeded_live_server):
    load_demo()
    account = get_user_model().objects.get(username="demo-adviser")
    account.set_password(PASSWORD)
    account.save()
    adviser = Adviser.objects.get(user=account)
    councils = list(adviser.councils.active().order_by("name"))
    # A council the adviser has not yet spoken to this quarter, whatever the random demo data holds.
    council = councils[0]
    quarter = quarter_of(timezone.localdate())
    for engagement in Engagement.objects.filter(council=council, date__gte=quarter.start, date__lte=quarter.end):
        engagement_archive(engagement=engagement, user=None)
    support_request = SupportRequestFactory(council=councils[1], message="Please call me.")
    return council, support_request


def coverage(page) -> tuple[int, int]:
    engaged, councils = COVERAGE.search(page.inner_text("#coverage-this-quarter")).groups()
    return int(engaged), int(councils)


def test_a_demo_adviser_logs_converts_and_exports(page, seeded_live_server, demo):
    council, support_request = demo
    base = seeded_live_server.url
    sign_in(page, base, "demo-adviser")
    check(page, "Your councils")
    engaged_before, councils = coverage(page)
    assert councils == 12
    row = page.locator("#councils tbody tr", has=page.locator(f"a:text-is('{council.name}')"))
    assert row.locator(".govuk-tag").inner_text() == "Not yet"

    # Log an engagement with that council, starting from its timeline.
    row.locator("a").click()
    check(page, council.name)
    page.click("main a.govuk-button:has-text('Log an engagement')")
    check(page, "Log an engagement")
    assert page.eval_on_selector("#id_council-select", "s => s.options[s.selectedIndex].text") == council.name
    assert page.input_value("#id_council") == council.name  # the autocomplete shows it too
    page.select_option("#id_kind", "ceo_one_to_one")
    page.check("label:has-text('Chief executive') >> xpath=preceding-sibling::input")
    page.fill("#id_summary", "Quarterly one-to-one with the chief executive.")
    page.click("button:has-text('Save engagement')")
    page.wait_for_url(re.compile(r"/workspace/engagements/\d+/$"))
    check(page, f"One-to-one with chief executive with {council.name}")

    # The dashboard shows the council engaged, and the coverage gone up by one council.
    page.click("nav[aria-label='Workspace'] a:has-text('Dashboard')")
    check(page, "Your councils")
    assert coverage(page) == (engaged_before + 1, councils)
    assert row.locator(".govuk-tag").inner_text() == "Engaged"

    # Convert the waiting support request.
    page.click(f"a:has-text('{support_request.council.name}: {support_request.offer.title}')")
    check(page, "Support request")
    page.click("a:has-text('Convert into an engagement')")
    check(page, "Convert request")
    page.click("button:has-text('Save engagement and close the request')")
    page.wait_for_url(re.compile(r"/workspace/engagements/\d+/$"))
    assert support_request.reference in page.inner_text("main")

    # Export the adviser's engagements as CSV, as a spreadsheet would open it.
    page.goto(base + f"/workspace/engagements/?adviser={council.adviser_id}&status={EngagementStatus.COMPLETED}")
    check(page, "Engagements")
    with page.expect_download() as download:
        page.click("a:has-text('Download these engagements as CSV')")
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    summaries = {row["summary"] for row in rows}
    assert "Quarterly one-to-one with the chief executive." in summaries
    assert any(support_request.reference in summary for summary in summaries)
    assert {row["adviser_name"] for row in rows} == {"Demo Adviser (demo)"}
    assert {row["adviser"] for row in rows} == {str(council.adviser_id)}
    assert {row["status"] for row in rows} == {EngagementStatus.COMPLETED}
