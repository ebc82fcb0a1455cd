"""The support-requests inbox: who sees which requests, acknowledging, closing, converting."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.forms import CLOSE_REASON_REQUIRED
from engagements.models import Council, Engagement, EngagementKind, SupportRequest, SupportRequestStatus
from engagements.services import REQUEST_NOT_OPEN, support_request_close
from tests.engagements.html import error_summary, field_error
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("workspace:request_list")


def test_an_adviser_sees_only_requests_for_their_councils(client_as, alice, bob, manager, hartlepool, stockton):
    mine = SupportRequestFactory(council=hartlepool)
    theirs = SupportRequestFactory(council=stockton)
    assert list(client_as(alice).get(INBOX).context["page_obj"]) == [mine]
    assert set(client_as(manager).get(INBOX).context["page_obj"]) == {mine, theirs}


def test_the_inbox_shows_waiting_requests_by_default_and_filters_by_status(client_as, alice, hartlepool):
    waiting = SupportRequestFactory(council=hartlepool)
    closed = SupportRequestFactory(council=hartlepool)
    support_request_close(request=closed, user=alice, reason="Not this year")
    client = client_as(alice)
    assert list(client.get(INBOX).context["page_obj"]) == [waiting]
    assert list(client.get(INBOX, {"status": "closed"}).context["page_obj"]) == [closed]
    assert set(client.get(INBOX, {"status": "all"}).context["page_obj"]) == {waiting, closed}
    assert list(client.get(INBOX, {"status": "bogus"}).context["page_obj"]) == [waiting]


@pytest.fixture
def three_requests(hartlepool):
    """Requests received 10, 5 and 1 days ago from Alice's three councils (Hartlepool the oldest)."""
    councils = [hartlepool, *Council.objects.filter(gss_code__in=["E06000002", "E06000003"]).order_by("gss_code")]
    made = []
    for days, council in zip([10, 5, 1], councils, strict=True):
        support_request = SupportRequestFactory(council=council, email=f"someone@{council.slug}.example.org")
        received = timezone.now() - datetime.timedelta(days=days)
        SupportRequest.objects.filter(pk=support_request.pk).update(created_at=received)
        made.append(support_request)
    return made


def test_the_inbox_is_newest_first_by_default_and_sorts_by_plain_links(client_as, alice, three_requests):
    oldest, middle, newest = three_requests
    client = client_as(alice)
    response = client.get(INBOX)
    assert list(response.context["page_obj"]) == [newest, middle, oldest]
    html = response.content.decode()
    assert "3 requests, newest first." in " ".join(html.replace("<strong>", "").replace("</strong>", "").split())
    # The column it is sorted by says so to screen readers; its link turns the order round.
    assert (
        'aria-sort="descending"><a class="govuk-link app-sort-link" href="?sort=received&amp;dir=asc">Received' in html
    )
    assert html.count("aria-sort=") == 1
    assert list(client.get(INBOX, {"sort": "received", "dir": "asc"}).context["page_obj"]) == [oldest, middle, newest]
    by_council = client.get(INBOX, {"sort": "council"})
    names = [r.council.name for r in by_council.context["page_obj"]]
    assert names == sorted(names)
    assert 'aria-sort="ascending"' in by_council.content.decode()
    # Sorting keeps the status filter, and the filter keeps the sort.
    by_status = client.get(INBOX, {"status": "all", "sort": "council", "dir": "desc"})
    assert [r.council.name for r in by_status.context["page_obj"]] == sorted(names, reverse=True)
    assert 'name="sort" value="council"' in by_status.content.decode()
    # An unknown sort is ignored: newest first again.
    assert list(client.get(INBOX, {"sort": "nonsense"}).context["page_obj"]) == [newest, middle, oldest]


def test_acknowledging_a_request(client_as, alice, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool)
    response = client_as(alice).post(reverse("workspace:request_acknowledge", args=[support_request.reference]))
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.ACKNOWLEDGED and support_request.acknowledged_at
    assert support_request.history.first().history_user == alice


def test_acknowledge_only_accepts_post(client_as, alice, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool)
    assert (
        client_as(alice).get(reverse("workspace:request_acknowledge", args=[support_request.reference])).status_code
        == 405
    )


def test_closing_needs_a_reason(client_as, alice, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool)
    url = reverse("workspace:request_close", args=[support_request.reference])
    client = client_as(alice)
    response = client.post(url, {"closed_reason": "   "})
    assert response.status_code == 200
    assert CLOSE_REASON_REQUIRED in error_summary(response)
    assert field_error(response, "closed_reason") == CLOSE_REASON_REQUIRED
    response = client.post(url, {"closed_reason": "The council found another provider."})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.CLOSED
    assert support_request.closed_reason == "The council found another provider."
    # A closed request cannot be closed or converted again.
    response = client.get(url, follow=True)
    assert REQUEST_NOT_OPEN.format(status="closed") in response.content.decode()


def test_converting_prefills_the_engagement_and_links_it_to_the_request(client_as, alice, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool, message="We would like a peer challenge.")
    url = reverse("workspace:request_convert", args=[support_request.reference])
    client = client_as(alice)
    response = client.get(url)
    form = response.context["form"]
    assert form.initial["council"] == hartlepool.pk
    assert form.initial["offers"] == [support_request.offer]
    assert support_request.reference in form.initial["summary"]
    assert "We would like a peer challenge." in response.content.decode()
    data = {
        "council": hartlepool.pk,
        "date": timezone.localdate().isoformat(),
        "kind": EngagementKind.CALL,
        "channel": "video",
        "status": "completed",
        "offers": [support_request.offer.pk],
        "summary": form.initial["summary"] + " Agreed to go ahead.",
    }
    response = client.post(url, data)
    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response["Location"] == engagement.get_absolute_url()
    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.CONVERTED and support_request.engagement == engagement
    assert engagement.adviser == alice.adviser and list(engagement.offers.all()) == [support_request.offer]
    assert support_request.reference in client.get(engagement.get_absolute_url()).content.decode()


def test_a_conversion_with_bad_input_keeps_the_request_open(client_as, alice, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool)
    url = reverse("workspace:request_convert", args=[support_request.reference])
    response = client_as(alice).post(
        url, {"council": hartlepool.pk, "date": "2024-01-01", "kind": "", "channel": "video", "status": "completed"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.NEW and not Engagement.objects.exists()


def test_an_adviser_cannot_act_on_requests_for_councils_that_are_not_theirs(client_as, bob, hartlepool):
    support_request = SupportRequestFactory(council=hartlepool)
    client = client_as(bob)
    for name in ("request_detail", "request_close", "request_convert"):
        assert client.get(reverse(f"workspace:{name}", args=[support_request.reference])).status_code == 403
    assert client.post(reverse("workspace:request_acknowledge", args=[support_request.reference])).status_code == 403
    assert (
        client.post(
            reverse("workspace:request_close", args=[support_request.reference]), {"closed_reason": "x"}
        ).status_code
        == 403
    )
    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.NEW


def test_unknown_references_are_not_found(client_as, alice):
    assert client_as(alice).get(reverse("workspace:request_detail", args=["SR-NOPE"])).status_code == 404


def test_the_inbox_and_the_api_read_the_status_alike_the_page_leniently(client_as, client, alice, hartlepool):
    from lga_portal.api.tokens import api_token_create

    waiting, closed = SupportRequestFactory(council=hartlepool), SupportRequestFactory(council=hartlepool)
    support_request_close(request=closed, user=alice, reason="Not this year")
    _, key = api_token_create(user=alice, name="tests", days=30)

    def api(query):
        return client.get("/api/v1/support-requests/", query, HTTP_AUTHORIZATION=f"Bearer {key}")

    assert [row["id"] for row in api({"status": "open"}).json()["results"]] == [waiting.pk]
    assert {row["id"] for row in api({"status": "all"}).json()["results"]} == {waiting.pk, closed.pk}
    assert list(api({"status": "bogus"}).json()["errors"]) == ["status"]
    page = client_as(alice).get(INBOX, {"status": "bogus"})
    assert list(page.context["page_obj"]) == [waiting]
    assert '<option value="open" selected>Waiting (new or acknowledged)</option>' in page.content.decode()


# Sign-in session and user, permissions (2), the adviser record; the count and the page of requests.
INBOX_QUERIES = 7


def test_the_inbox_makes_a_fixed_number_of_queries(client_as, alice, hartlepool, django_assert_num_queries):
    client = client_as(alice)
    SupportRequestFactory(council=hartlepool)
    client.get(INBOX)
    for params in ({"status": "open"}, {"status": "all"}, {"sort": "offer"}):
        with django_assert_num_queries(INBOX_QUERIES):
            client.get(INBOX, params)
    SupportRequestFactory.create_batch(30, council=hartlepool)
    for params in ({"status": "open"}, {"status": "all"}, {"sort": "offer"}):
        with django_assert_num_queries(INBOX_QUERIES):
            assert len(client.get(INBOX, params).context["page_obj"]) == 25
