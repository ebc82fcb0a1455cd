"""Private notes never reach another adviser: not through any page, the export, a search or the history."""

import pytest
from django.urls import reverse

from engagements.services import engagement_update
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

SECRET = "Chief executive thinking of leaving"
LATER_SECRET = "Section 114 risk raised informally"


@pytest.fixture
def noted(alice, hartlepool):
    """Alice's engagement with private notes that were later changed, and a converted request."""
    engagement = EngagementFactory(
        council=hartlepool, adviser=alice.adviser, summary="Budget call", private_notes=SECRET
    )
    engagement = engagement_update(engagement=engagement, user=alice, version=1, private_notes=LATER_SECRET)
    SupportRequestFactory(council=hartlepool)
    return engagement


def workspace_pages(engagement, council):
    return [
        reverse("workspace:dashboard"),
        reverse("workspace:engagement_list"),
        reverse("workspace:engagement_list") + "?q=section",
        reverse("workspace:engagement_list") + f"?council={council.slug}",
        reverse("workspace:engagement_detail", args=[engagement.pk]),
        reverse("workspace:council_timeline", args=[council.slug]),
        reverse("workspace:request_list") + "?status=all",
    ]


def content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_another_adviser_sees_the_engagement_but_never_its_notes(client_as, bob, noted, hartlepool):
    client = client_as(bob)
    for url in workspace_pages(noted, hartlepool):
        page = content(client.get(url))
        assert SECRET not in page and LATER_SECRET not in page, url
    # The engagement itself is readable; only the notes are withheld.
    detail = content(client.get(reverse("workspace:engagement_detail", args=[noted.pk])))
    assert "Budget call" in detail and "Private notes" not in detail


def test_the_history_hides_that_notes_changed_from_those_who_may_not_read_them(client_as, bob, alice, noted):
    url = reverse("workspace:engagement_detail", args=[noted.pk])
    for entry in client_as(bob).get(url).context["history"]:
        assert all(label != "Private notes" for label, _, _ in entry.changes)
    alice_history = client_as(alice).get(url).context["history"]
    assert ("Private notes", SECRET, LATER_SECRET) in alice_history[0].changes


def test_searching_for_words_in_someone_elses_notes_finds_nothing(client_as, bob, alice, manager, noted):
    url = reverse("workspace:engagement_list")
    assert client_as(bob).get(url, {"q": "section 114"}).context["page_obj"].paginator.count == 0
    assert client_as(alice).get(url, {"q": "section 114"}).context["page_obj"].paginator.count == 1
    assert client_as(manager).get(url, {"q": "section 114"}).context["page_obj"].paginator.count == 1


def test_the_export_carries_notes_only_for_those_who_may_read_them(client_as, bob, alice, manager, noted):
    url = reverse("workspace:engagement_export")
    assert LATER_SECRET not in content(client_as(bob).get(url))
    assert LATER_SECRET not in content(client_as(bob).get(url, {"q": "section"}))
    assert "Budget call" in content(client_as(bob).get(url))
    assert LATER_SECRET in content(client_as(alice).get(url))
    assert LATER_SECRET in content(client_as(manager).get(url))


def test_the_author_and_managers_see_notes_on_every_page(client_as, alice, manager, noted, hartlepool):
    for user in (alice, manager):
        client = client_as(user)
        for url in (
            reverse("workspace:engagement_detail", args=[noted.pk]),
            reverse("workspace:council_timeline", args=[hartlepool.slug]),
            reverse("workspace:engagement_list"),
        ):
            assert LATER_SECRET in content(client.get(url)), (user, url)


def test_notes_logged_by_a_manager_for_an_adviser_are_the_advisers_too(client_as, manager, alice, bob, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, user=manager, private_notes=SECRET)
    url = reverse("workspace:engagement_detail", args=[engagement.pk])
    assert SECRET in content(client_as(alice).get(url))
    assert SECRET not in content(client_as(bob).get(url))
