"""Logging, editing, archiving and reading engagements in the workspace."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.forms import (
    ADVISER_REQUIRED,
    CONFLICT_NEXT_STEP,
    COUNCIL_REQUIRED,
    DATE_REQUIRED,
    KIND_REQUIRED,
    VERSION_MISSING,
)
from engagements.models import (
    DATE_TOO_FAR_AHEAD,
    FOLLOW_UP_BEFORE_DATE,
    HOURS_NEGATIVE,
    ContactRole,
    Council,
    Engagement,
    EngagementKind,
)
from engagements.services import ALREADY_ARCHIVED, STALE_VERSION
from lga_portal.forms import DATE_MUST_BE_REAL, DATE_MUST_INCLUDE
from offers.models import Offer, Theme
from tests.engagements.html import error_summary, field_error
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db

NEW = reverse("workspace:engagement_new")


def form_data(council, **extra):
    data = {
        "council": council.pk,
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "kind": EngagementKind.CALL,
        "channel": "phone",
        "status": "completed",
        "summary": "Talked about the budget.",
    }
    data.update(extra)
    return data


def edit_data(engagement, **extra):
    data = form_data(
        engagement.council,
        date=engagement.date.isoformat(),
        kind=engagement.kind,
        channel=engagement.channel,
        summary=engagement.summary,
        private_notes=engagement.private_notes,
        version=engagement.version,
    )
    data.update(extra)
    return data


# --- Logging ---------------------------------------------------------------------------------


def test_the_form_starts_with_today_and_the_council_it_was_opened_from(client_as, alice, hartlepool):
    response = client_as(alice).get(NEW + f"?council={hartlepool.slug}")
    form = response.context["form"]
    assert form.initial["council"] == hartlepool.pk
    assert form.initial["date"] == timezone.localdate()
    html = response.content.decode()
    assert f'<option value="{hartlepool.pk}" selected>Hartlepool</option>' in html
    assert '<optgroup label="Your councils">' in html


def test_an_adviser_logs_an_engagement_in_one_step(client_as, alice, hartlepool):
    role = ContactRole.objects.get(slug="chief-executive")
    offers = list(Offer.objects.published().order_by("slug")[:2])
    theme = Theme.objects.get(slug="financial-resilience")
    response = client_as(alice).post(
        NEW,
        form_data(
            hartlepool,
            roles=[role.pk],
            offers=[o.pk for o in offers],
            themes=[theme.pk],
            private_notes="Keep an eye on reserves.",
            follow_up_on=(timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            hours="",
            next="view",
        ),
    )
    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response["Location"] == engagement.get_absolute_url()
    assert engagement.get_absolute_url() == f"/workspace/engagements/{engagement.pk}/"
    assert engagement.adviser == alice.adviser and engagement.created_by == alice
    assert list(engagement.roles.all()) == [role] and set(engagement.offers.all()) == set(offers)
    assert list(engagement.themes.all()) == [theme] and engagement.private_notes == "Keep an eye on reserves."
    assert engagement.history.get().history_user == alice


def test_save_and_log_another_comes_back_to_a_fresh_form_keeping_the_date_and_kind(client_as, alice, hartlepool):
    client = client_as(alice)
    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(NEW, form_data(hartlepool, date=day.isoformat(), kind="query", next="another"))
    assert response.status_code == 302
    assert response["Location"].startswith(NEW + "?")
    again = client.get(response["Location"])
    assert again.context["form"].initial["date"] == day and again.context["form"].initial["kind"] == "query"
    assert "council" not in again.context["form"].initial
    assert "Engagement saved" in again.content.decode()


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"council": ""}, "council", COUNCIL_REQUIRED),
        ({"kind": ""}, "kind", KIND_REQUIRED),
        ({"date": "31/02/2025"}, "date", DATE_MUST_BE_REAL.format(name="Date of the engagement")),
        ({"date": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()}, "date", DATE_TOO_FAR_AHEAD),
        ({"hours": "-2"}, "hours", HOURS_NEGATIVE),
        (
            {"date": "2024-05-10", "follow_up_on": "2024-05-01"},
            "follow_up_on",
            FOLLOW_UP_BEFORE_DATE,
        ),
    ],
    ids=["missing council", "missing kind", "bad date", "too far ahead", "negative hours", "follow-up before"],
)
def test_bad_input_is_refused_by_the_field_and_in_the_summary_keeping_what_was_typed(
    client_as, alice, hartlepool, change, field, message
):
    data = {**form_data(hartlepool, summary="Typed summary that must survive"), **change}
    response = client_as(alice).post(NEW, data)
    assert response.status_code == 200
    assert message in error_summary(response)
    assert field_error(response, field) == message
    assert "Typed summary that must survive" in response.content.decode()
    assert response.context["form"]["summary"].value() == "Typed summary that must survive"
    assert "<title>Error: " in response.content.decode()
    assert not Engagement.objects.exists()


def parts(day, month, year, name="date"):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


@pytest.mark.parametrize(
    ("date_parts", "field", "message", "marked"),
    [
        (
            parts("10", "", "2024"),
            "date",
            DATE_MUST_INCLUDE.format(name="Date of the engagement", parts="a month"),
            ["month"],
        ),
        (parts("", "5", ""), "date", "Date of the engagement must include a day and year.", ["day", "year"]),
        (parts("", "", ""), "date", DATE_REQUIRED, ["day", "month", "year"]),
        (parts("31", "2", "2025"), "date", "Date of the engagement must be a real date.", ["day", "month", "year"]),
        (parts("1", "May", "2024"), "date", "Date of the engagement must be a real date.", ["day", "month", "year"]),
        (parts("1", "5", "24"), "date", "Date of the engagement must be a real date.", ["day", "month", "year"]),
        (
            {**parts("10", "5", "2024"), **parts("12", "6", "", name="follow_up_on")},
            "follow_up_on",
            "Follow-up date must include a year.",
            ["year"],
        ),
    ],
    ids=["no month", "no day or year", "empty", "31 February", "a word", "two-digit year", "follow-up year"],
)
def test_the_govuk_date_input_says_what_is_missing_and_marks_those_boxes(
    client_as, alice, hartlepool, date_parts, field, message, marked
):
    data = {key: value for key, value in form_data(hartlepool).items() if key != "date"}
    response = client_as(alice).post(NEW, {**data, **date_parts})
    assert error_summary(response) == [message]
    assert field_error(response, field) == message
    page = response.content.decode()
    for part in ("day", "month", "year"):
        box = re.search(rf'<input class="([^"]*)" id="id_{field}_{part}" name="{field}_{part}"', page)
        assert box, f"no {part} box for {field}"
        assert ("govuk-input--error" in box.group(1)) == (part in marked), part
        assert f'value="{date_parts[f"{field}_{part}"]}"' in page[box.start() : box.start() + 300]  # kept as typed
    # The summary's link goes to the first box that is wrong.
    assert f'href="#id_{field}_{marked[0]}"' in page
    assert not Engagement.objects.exists()


def test_a_date_in_three_boxes_is_saved(client_as, alice, hartlepool):
    data = {key: value for key, value in form_data(hartlepool).items() if key != "date"}
    response = client_as(alice).post(
        NEW, {**data, **parts(" 7 ", "03", "2025"), **parts("14", "3", "2025", name="follow_up_on")}
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    assert engagement.date == datetime.date(2025, 3, 7) and engagement.follow_up_on == datetime.date(2025, 3, 14)
    # Editing shows the boxes filled in.
    page = client_as(alice).get(reverse("workspace:engagement_edit", args=[engagement.pk])).content.decode()
    assert 'id="id_date_day" name="date_day" type="text" inputmode="numeric" value="7"' in page
    assert 'id="id_date_year" name="date_year" type="text" inputmode="numeric" value="2025"' in page
    assert 'type="date"' not in page  # no browser date picker


def test_every_problem_is_reported_at_once(client_as, alice, hartlepool):
    response = client_as(alice).post(NEW, {**form_data(hartlepool), "kind": "", "hours": "-1"})
    assert error_summary(response) == [KIND_REQUIRED, HOURS_NEGATIVE]
    response = client_as(alice).post(
        NEW, {**form_data(hartlepool), "council": "", "date": "2024-05-10", "follow_up_on": "2024-05-01"}
    )
    assert error_summary(response) == [COUNCIL_REQUIRED, FOLLOW_UP_BEFORE_DATE]


def test_an_abolished_council_is_refused_after_its_abolition(client_as, alice):
    allerdale = Council.objects.get(gss_code="E07000026")
    response = client_as(alice).post(NEW, form_data(allerdale, date="2024-01-10"))
    expected = (
        "Allerdale was abolished on 1 April 2023 and replaced by Cumberland; choose Cumberland for later engagements."
    )
    assert field_error(response, "council") == expected
    # …but engagements from before it was abolished can still be logged.
    response = client_as(alice).post(NEW, form_data(allerdale, date="2021-06-10"))
    assert response.status_code == 302


def test_a_manager_logs_for_the_councils_adviser_or_must_choose_one(client_as, manager, alice, hartlepool):
    client = client_as(manager)
    client.post(NEW, form_data(hartlepool))
    assert Engagement.objects.get().adviser == alice.adviser
    orphan = Council.objects.filter(adviser__isnull=True, is_active=True).first()
    response = client.post(NEW, form_data(orphan))
    assert field_error(response, "adviser") == ADVISER_REQUIRED.format(council=orphan)
    response = client.post(NEW, form_data(orphan, adviser=alice.adviser.pk))
    assert response.status_code == 302 and Engagement.objects.filter(council=orphan, adviser=alice.adviser).exists()


def test_advisers_cannot_log_for_someone_else(client_as, alice, bob, hartlepool):
    """The adviser field is a manager's: a posted adviser is ignored for advisers."""
    client_as(alice).post(NEW, form_data(hartlepool, adviser=bob.adviser.pk))
    assert Engagement.objects.get().adviser == alice.adviser


def test_a_signed_in_adviser_without_an_adviser_record_cannot_log(client_as, make_user):
    response = client_as(make_user("adviser")).get(NEW)
    assert response.status_code == 403


def test_the_offers_picker_works_without_javascript(client_as, alice):
    """Offers are plain checkboxes grouped by theme in <details>; the search box is hidden until JS shows it."""
    html = client_as(alice).get(NEW).content.decode()
    offer = Offer.objects.published().select_related("theme").order_by("slug").first()
    assert f'name="offers" value="{offer.pk}"' in html
    assert html.count("data-offer-group") == Offer.objects.published().values("theme").distinct().count()
    assert re.search(r"<div class=\"govuk-form-group\" data-offer-search hidden>", html)
    assert re.search(r'<script type="module" nonce="[^"]+" src="/static/js/workspace.js">', html)


# --- Editing and optimistic locking -----------------------------------------------------------


def test_an_adviser_edits_their_own_engagement(client_as, alice, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Before")
    url = reverse("workspace:engagement_edit", args=[engagement.pk])
    client = client_as(alice)
    assert client.get(url).context["form"].initial["version"] == 1
    response = client.post(url, edit_data(engagement, summary="After"))
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.summary == "After" and engagement.version == 2 and engagement.modified_by == alice


def test_two_people_editing_at_once_the_second_save_is_refused_showing_what_changed(
    client_as, alice, manager, hartlepool
):
    engagement = EngagementFactory(
        council=hartlepool, adviser=alice.adviser, summary="First version", private_notes="Alice's note"
    )
    url = reverse("workspace:engagement_edit", args=[engagement.pk])
    # Both open the form at version 1.
    alice_form = client_as(alice).get(url).context["form"].initial
    assert alice_form["version"] == 1
    # The manager saves first.
    from django.test import Client

    manager_client = Client()
    manager_client.force_login(manager)
    assert manager_client.post(url, edit_data(engagement, summary="Manager's version")).status_code == 302
    # Alice saves her changes, made to version 1.
    alice_client = client_as(alice)
    response = alice_client.post(url, edit_data(engagement, summary="Alice's version", version=1))
    assert response.status_code == 200
    messages = error_summary(response)
    assert STALE_VERSION in messages
    assert "Summary was changed from “First version” to “Manager's version”." in messages
    assert CONFLICT_NEXT_STEP in messages
    assert response.context["form"]["summary"].value() == "Alice's version"  # what she typed is kept
    engagement.refresh_from_db()
    assert engagement.summary == "Manager's version" and engagement.version == 2  # nothing overwritten
    # Having seen the changes, saving again replaces them knowingly.
    assert 'name="version" value="2"' in response.content.decode()
    again = alice_client.post(url, edit_data(engagement, summary="Alice's version", version=2))
    assert again.status_code == 302
    engagement.refresh_from_db()
    assert engagement.summary == "Alice's version" and engagement.version == 3


def test_an_edit_without_a_version_is_refused(client_as, alice, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser)
    url = reverse("workspace:engagement_edit", args=[engagement.pk])
    response = client_as(alice).post(url, edit_data(engagement, version=""))
    assert any(VERSION_MISSING in m for m in error_summary(response))


def test_an_adviser_cannot_edit_or_archive_another_advisers_engagement(client_as, alice, bob, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Alice's")
    client = client_as(bob)
    assert (
        client.post(
            reverse("workspace:engagement_edit", args=[engagement.pk]), edit_data(engagement, summary="Bob's")
        ).status_code
        == 403
    )
    assert client.post(reverse("workspace:engagement_archive", args=[engagement.pk])).status_code == 403
    engagement.refresh_from_db()
    assert engagement.summary == "Alice's" and engagement.archived_at is None


def test_a_manager_edits_any_engagement(client_as, manager, alice, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser)
    response = client_as(manager).post(
        reverse("workspace:engagement_edit", args=[engagement.pk]),
        edit_data(engagement, summary="Tidied by a manager", adviser=alice.adviser.pk),
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.summary == "Tidied by a manager" and engagement.adviser == alice.adviser


# --- Archiving ---------------------------------------------------------------------------------


def test_archiving_asks_first_then_removes_from_lists_and_counts_but_keeps_history(client_as, alice, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Logged by mistake")
    client = client_as(alice)
    url = reverse("workspace:engagement_archive", args=[engagement.pk])
    assert "Archive this engagement?" in client.get(url).content.decode()
    assert Engagement.objects.get().archived_at is None
    assert client.post(url).status_code == 302
    engagement.refresh_from_db()
    assert engagement.archived_at is not None and engagement.archived_by == alice
    assert "Logged by mistake" not in client.get(reverse("workspace:engagement_list")).content.decode()
    dashboard = client.get(reverse("workspace:dashboard"))
    row = next(c for c in dashboard.context["page_obj"] if c.pk == hartlepool.pk)
    assert row.last_engaged_on is None
    detail = client.get(engagement.get_absolute_url()).content.decode()
    assert "Archived on" in detail and "Archived by Alice Adviser" in detail
    # Archived engagements can no longer be edited.
    response = client.get(reverse("workspace:engagement_edit", args=[engagement.pk]), follow=True)
    assert ALREADY_ARCHIVED in response.content.decode()


# --- Detail and history ----------------------------------------------------------------------


def test_the_engagement_page_shows_who_changed_what_and_when(client_as, alice, manager, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Original summary")
    client_as(manager).post(
        reverse("workspace:engagement_edit", args=[engagement.pk]),
        edit_data(engagement, summary="Corrected summary", kind="visit", adviser=alice.adviser.pk),
    )
    response = client_as(alice).get(engagement.get_absolute_url())
    history = response.context["history"]
    assert [entry.action for entry in history] == ["Changed", "Logged"]
    assert history[0].who == "Meg Manager" and history[1].who == "Alice Adviser"
    assert ("Summary", "Original summary", "Corrected summary") in history[0].changes
    assert ("Kind", "Call", "Visit") in history[0].changes
    html = response.content.decode()
    assert "Changed by Meg Manager" in html and "Corrected summary" in html


def test_engagement_pages_answer_404_for_unknown_ids(client_as, alice):
    assert client_as(alice).get(reverse("workspace:engagement_detail", args=[999999])).status_code == 404


# --- List and filters ---------------------------------------------------------------------------


def test_the_list_filters_and_ignores_values_it_does_not_understand(client_as, alice, bob, hartlepool, stockton):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Hartlepool budget", kind="visit")
    EngagementFactory(council=stockton, adviser=bob.adviser, summary="Stockton coaching", kind="coaching")
    client = client_as(alice)
    url = reverse("workspace:engagement_list")
    page = client.get(url, {"kind": "visit"})
    assert [e.summary for e in page.context["page_obj"]] == ["Hartlepool budget"]
    page = client.get(url, {"adviser": bob.adviser.pk})
    assert [e.summary for e in page.context["page_obj"]] == ["Stockton coaching"]
    page = client.get(url, {"q": "coaching"})
    assert [e.summary for e in page.context["page_obj"]] == ["Stockton coaching"]
    page = client.get(url, {"kind": "nonsense", "date_from": "not a date", "adviser": "x", "page": "abc"})
    assert page.status_code == 200 and len(page.context["page_obj"]) == 2


def test_the_list_and_the_api_share_their_filters_the_page_leniently_the_api_strictly(
    client_as, client, alice, bob, hartlepool, stockton
):
    from lga_portal.api.tokens import api_token_create

    EngagementFactory(council=hartlepool, adviser=alice.adviser, date=datetime.date(2025, 3, 27), kind="visit")
    EngagementFactory(council=stockton, adviser=bob.adviser, date=datetime.date(2025, 1, 5), kind="visit")
    url = reverse("workspace:engagement_list")
    _, key = api_token_create(user=alice, name="tests", days=30)

    def api(query):
        return client.get("/api/v1/engagements/", query, HTTP_AUTHORIZATION=f"Bearer {key}")

    page = client_as(alice).get(url, {"kind": "visit", "region": "north-east", "date_from": "2025-03-01"})
    listed = [e.council for e in page.context["page_obj"]]
    assert listed == [hartlepool]
    assert [
        row["council"]
        for row in api({"kind": "visit", "region": "north-east", "date_from": "2025-03-01"}).json()["results"]
    ] == [hartlepool.gss_code]
    # A date as people type it: the page reads it; the API takes YYYY-MM-DD only.
    assert [e.council for e in client_as(alice).get(url, {"date_from": "01/03/2025"}).context["page_obj"]] == listed
    assert list(api({"date_from": "01/03/2025"}).json()["errors"]) == ["date_from"]
    # A value that is not one: the page ignores it and says so by the field; the API refuses it.
    page = client_as(alice).get(url, {"kind": "visit", "region": "atlantis"})
    assert len(page.context["page_obj"]) == 2 and field_error(page, "region")
    assert api({"kind": "visit", "region": "atlantis"}).json()["errors"].keys() == {"region"}
    # The council timeline links here with a council's slug; the API names councils by code.
    by_slug = client_as(alice).get(url, {"council": stockton.slug})
    assert [e.council for e in by_slug.context["page_obj"]] == [stockton] and "Council: Stockton-on-Tees" in (
        by_slug.content.decode()
    )
    assert [row["council"] for row in api({"council": stockton.gss_code}).json()["results"]] == [stockton.gss_code]


# Sign-in session and user, permissions (2), the adviser record; the region and adviser asked for;
# the count and the page of engagements; the region and adviser lists of the filter form.
LIST_QUERIES = 11


def test_the_list_makes_a_fixed_number_of_queries(client_as, alice, hartlepool, django_assert_num_queries):
    client = client_as(alice)
    url = reverse("workspace:engagement_list")
    query = {"region": "north-east", "adviser": alice.adviser.pk, "kind": "call", "q": "budget"}
    EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Budget call")
    client.get(url, query)  # per-process caches (content types)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(url, query).context["page_obj"]) == 1
    offers = list(Offer.objects.order_by("slug")[:2])
    for n in range(30):
        EngagementFactory(council=hartlepool, adviser=alice.adviser, summary=f"Budget call {n}", offers=offers)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(url, query).context["page_obj"]) == 25
