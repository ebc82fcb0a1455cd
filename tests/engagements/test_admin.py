"""Engagements and support requests in the Django admin go through the same services as the
workspace and the API: the version moves, stale saves are refused, history is written once,
archived engagements are read-only, and a request's status only moves in the workspace."""

import html
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from engagements.forms import CONFLICT_CHANGE
from engagements.models import FOLLOW_UP_BEFORE_DATE, ContactRole, Engagement, SupportRequest, SupportRequestStatus
from engagements.services import STALE_VERSION, engagement_archive, engagement_update
from lga_portal.api.tokens import api_token_create
from offers.models import Offer, Theme
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


def change_url(engagement) -> str:
    return reverse("admin:engagements_engagement_change", args=[engagement.pk])


def admin_post(engagement: Engagement, **changes) -> dict:
    """The admin change form as it comes back from the browser, with ``changes`` made to it."""
    data = {
        "council": engagement.council_id,
        "adviser": engagement.adviser_id,
        "date": engagement.date.isoformat(),
        "kind": engagement.kind,
        "channel": engagement.channel,
        "status": engagement.status,
        "summary": engagement.summary,
        "private_notes": engagement.private_notes,
        "follow_up_on": engagement.follow_up_on.isoformat() if engagement.follow_up_on else "",
        "hours": "" if engagement.hours is None else str(engagement.hours),
        "roles": [role.pk for role in engagement.roles.all()],
        "offers": [offer.pk for offer in engagement.offers.all()],
        "themes": [theme.pk for theme in engagement.themes.all()],
        "version": engagement.version,
        "_save": "Save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def engagement(alice, hartlepool):
    return EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Budget call")


def error_list(response) -> list[str]:
    """The error messages on an admin page."""
    page = response.content.decode()
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", page)]


def test_an_admin_edit_moves_the_version_so_a_stale_api_write_is_refused(admin_client, manager, alice, engagement):
    offer = Offer.objects.published().order_by("slug").first()
    response = admin_client.post(
        change_url(engagement), admin_post(engagement, summary="Corrected by the manager", offers=[offer.pk])
    )
    assert response.status_code == 302, error_list(response)
    engagement.refresh_from_db()
    assert engagement.summary == "Corrected by the manager"
    assert engagement.version == 2
    assert engagement.modified_by == manager

    # The adviser's script still holds version 1: it is told what changed, not allowed to overwrite.
    _, key = api_token_create(user=alice, name="script", days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    answer = api.patch(f"/api/v1/engagements/{engagement.pk}/", {"version": 1, "summary": "Old text"}, format="json")
    assert answer.status_code == 409
    assert answer.json()["current_version"] == 2
    engagement.refresh_from_db()
    assert engagement.summary == "Corrected by the manager"


def test_an_admin_edit_is_one_history_entry_with_its_links_and_its_author(admin_client, manager, engagement):
    offer = Offer.objects.published().order_by("slug").first()
    theme = Theme.objects.order_by("slug").first()
    role = ContactRole.objects.order_by("slug").first()
    before = engagement.history.count()
    admin_client.post(
        change_url(engagement),
        admin_post(engagement, summary="With links", offers=[offer.pk], themes=[theme.pk], roles=[role.pk]),
    )
    assert engagement.history.count() == before + 1
    latest = engagement.history.order_by("-history_date").first()
    assert latest.history_user == manager
    assert latest.version == 2 and latest.summary == "With links"
    assert [link.offer for link in latest.historicalengagement_offers_set.all()] == [offer]
    assert [link.theme for link in latest.historicalengagement_themes_set.all()] == [theme]
    assert [link.contactrole for link in latest.historicalengagement_roles_set.all()] == [role]


def test_a_stale_admin_save_is_refused_and_shows_what_changed(admin_client, alice, engagement):
    form_as_opened = admin_post(engagement, summary="The manager's text")
    engagement_update(engagement=engagement, user=alice, version=1, summary="Alice's newer text")

    response = admin_client.post(change_url(engagement), form_as_opened)
    assert response.status_code == 200
    errors = error_list(response)
    assert STALE_VERSION in errors
    assert CONFLICT_CHANGE.format(field="Summary", before="Budget call", after="Alice's newer text") in errors
    engagement.refresh_from_db()
    assert engagement.summary == "Alice's newer text" and engagement.version == 2

    # The form now carries the version the manager has seen: saving again replaces it knowingly.
    assert 'name="version" value="2"' in response.content.decode()
    response = admin_client.post(change_url(engagement), {**form_as_opened, "version": 2})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.summary == "The manager's text" and engagement.version == 3


def test_the_engagement_rules_apply_in_the_admin(admin_client, engagement):
    response = admin_client.post(change_url(engagement), admin_post(engagement, follow_up_on="2000-01-01"))
    assert response.status_code == 200
    assert FOLLOW_UP_BEFORE_DATE in error_list(response)
    engagement.refresh_from_db()
    assert engagement.version == 1 and engagement.follow_up_on is None


def test_an_engagement_added_in_the_admin_is_logged_through_the_service(admin_client, manager, alice, hartlepool):
    offer = Offer.objects.published().order_by("slug").first()
    data = {
        "council": hartlepool.pk,
        "adviser": alice.adviser.pk,
        "date": "2025-03-27",
        "kind": "call",
        "channel": "phone",
        "status": "completed",
        "summary": "Added by the manager",
        "offers": [offer.pk],
        "_save": "Save",
    }
    response = admin_client.post(reverse("admin:engagements_engagement_add"), data)
    assert response.status_code == 302, error_list(response)
    engagement = Engagement.objects.get(summary="Added by the manager")
    assert engagement.created_by == manager and engagement.modified_by == manager
    assert engagement.version == 1
    assert list(engagement.offers.all()) == [offer]
    (entry,) = engagement.history.all()
    assert entry.history_user == manager
    assert [link.offer for link in entry.historicalengagement_offers_set.all()] == [offer]


def test_archived_engagements_are_read_only_in_the_admin(admin_client, manager, engagement):
    engagement_archive(engagement=engagement, user=manager)
    engagement.refresh_from_db()
    page = admin_client.get(change_url(engagement)).content.decode()
    assert 'name="_save"' not in page
    assert "Budget call" in page  # still readable

    response = admin_client.post(change_url(engagement), admin_post(engagement, summary="Edited after archiving"))
    assert response.status_code == 403
    engagement.refresh_from_db()
    assert engagement.summary == "Budget call"


def test_engagements_are_archived_from_the_admin_never_deleted(admin_client, make_user, manager, engagement):
    changelist = reverse("admin:engagements_engagement_changelist")
    response = admin_client.post(changelist, {"action": "archive", "_selected_action": [engagement.pk]})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.archived_by == manager and engagement.version == 2

    # Not even a superuser may delete one: its history would go with it.
    admin_client.force_login(make_user(is_superuser=True, is_staff=True))
    delete = reverse("admin:engagements_engagement_delete", args=[engagement.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Engagement.objects.filter(pk=engagement.pk).exists()
    assert "delete_selected" not in admin_client.get(changelist).content.decode()


def test_a_support_requests_status_cannot_be_changed_in_the_admin(admin_client, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool)
    url = reverse("admin:engagements_supportrequest_change", args=[support_request.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="status"' not in page
    assert reverse("workspace:request_detail", args=[support_request.reference]) in page

    data = {
        "council": hartlepool.pk,
        "offer": support_request.offer_id,
        "name": "Sam Patel",
        "email": support_request.email,
        "status": SupportRequestStatus.CLOSED,
        "closed_reason": "Closed behind the service's back",
        "_save": "Save",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.NEW
    assert support_request.closed_reason == ""


def test_support_requests_are_not_added_in_the_admin(admin_client):
    # They come from the public form, which checks for spam and emails the council's adviser.
    assert admin_client.get(reverse("admin:engagements_supportrequest_add")).status_code == 403
    assert SupportRequest.objects.count() == 0
