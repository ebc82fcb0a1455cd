"""Every workspace page, in its ordinary and its error states, passes axe in Chromium."""

import pytest

from engagements.services import engagement_update
from tests.browser.workspace import check, make_world, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(seeded_live_server):
    return make_world()


def test_an_advisers_pages(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    check(page, "Your councils")

    page.goto(base + "/workspace/?sort=last&dir=desc")
    check(page, "Your councils")

    page.goto(base + "/workspace/engagements/")
    check(page, "Engagements")
    page.goto(base + "/workspace/engagements/?q=budget&kind=call&date_from=2020-01-01")
    check(page, "Engagements")

    page.goto(base + "/workspace/engagements/new/")
    check(page, "Log an engagement")
    # The error state: nothing chosen.
    page.select_option("#id_kind", "")
    page.click("button:has-text('Save engagement')")
    check(page, "Error: Log an engagement")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#id_council-error").is_visible()

    engagement = world.engagement
    page.goto(base + f"/workspace/engagements/{engagement.pk}/")
    check(page, "Call with Hartlepool")
    assert page.locator("#history").is_visible()
    assert "Changed by Meg Manager" in page.content()

    page.goto(base + f"/workspace/engagements/{engagement.pk}/edit/")
    check(page, "Edit engagement")

    page.goto(base + f"/workspace/engagements/{engagement.pk}/archive/")
    check(page, "Archive this engagement?")

    page.goto(base + f"/workspace/councils/{world.hartlepool.slug}/")
    check(page, "Hartlepool")

    page.goto(base + "/workspace/requests/")
    check(page, "Support requests")
    page.goto(base + f"/workspace/requests/{world.support_request.reference}/")
    check(page, "Support request")
    page.goto(base + f"/workspace/requests/{world.support_request.reference}/close/")
    check(page, "Close request")
    page.click("button:has-text('Close request')")
    check(page, "Error: Close request")
    page.goto(base + f"/workspace/requests/{world.support_request.reference}/convert/")
    check(page, "Convert request")

    # A page the adviser may not see.
    page.goto(base + "/workspace/engagements/import/")
    check(page, "You cannot see this page")


def test_the_edit_conflict_state(page, seeded_live_server, world):
    base = seeded_live_server.url
    sign_in(page, base, "alice")
    page.goto(base + f"/workspace/engagements/{world.engagement.pk}/edit/")
    # Someone else saves while Alice has the form open.
    engagement_update(
        engagement=world.engagement,
        user=world.manager,
        version=world.engagement.version,
        summary="The manager's words.",
    )
    page.fill("#id_summary", "Alice's words.")
    page.click("button:has-text('Save changes')")
    check(page, "Error: Edit engagement")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Someone else saved this engagement" in summary and "The manager's words." in summary
    assert page.input_value("#id_summary") == "Alice's words."


def test_a_managers_pages(page, seeded_live_server, world, tmp_path):
    base = seeded_live_server.url
    sign_in(page, base, "meg")
    check(page, "All councils")
    page.select_option("#id_region", "north-east")
    page.click("button:has-text('Apply filters')")
    check(page, "All councils")
    assert "region=north-east" in page.url

    page.goto(base + "/workspace/engagements/import/")
    check(page, "Import engagements")
    bad = tmp_path / "engagements.csv"
    bad.write_text(
        "council,date,kind,channel\nE06000001,2025-03-27,Call,Phone\nAtlantis,2025-02-30,Chat,Phone\n", encoding="utf-8"
    )
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('Check the file')")
    check(page, "Error: Import engagements")
    rows = page.locator("#import-errors").locator("xpath=..").locator("tbody tr")
    assert rows.count() == 3
    assert "Unknown council “Atlantis”" in rows.nth(0).inner_text()

    good = tmp_path / "good.csv"
    good.write_text("council,date,kind,channel\nE06000001,2025-03-27,Call,Phone\n", encoding="utf-8")
    page.set_input_files("#id_file", str(good))
    page.click("button:has-text('Import')")
    check(page, "Import engagements")
    assert "Imported 1 engagement from 1 row." in page.locator("#import-result").inner_text()
