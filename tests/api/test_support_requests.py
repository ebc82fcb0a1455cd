"""Support requests through the API: analysts and managers read all, advisers their councils', others none."""

import pytest

from engagements.models import Council
from offers.models import Offer
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db
REQUESTS = "/api/v1/support-requests/"


@pytest.fixture
def requests(advisers):
    pat, sam = advisers
    offer = Offer.objects.published().first()
    hartlepool = Council.objects.get(gss_code="E06000001")
    manchester = Council.objects.get(gss_code="E08000003")
    requests = [
        SupportRequestFactory(council=hartlepool, offer=offer),
        SupportRequestFactory(council=manchester, offer=offer),
    ]
    assert [r.assigned_adviser for r in requests] == [pat, sam]  # each council's principal adviser
    return requests


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_and_editors_are_refused(api, client_for, make_user, requests):
    assert api.get(REQUESTS).status_code == 401
    assert client_for(make_user("editor")).get(REQUESTS).status_code == 403


def test_analysts_and_managers_read_every_request(client_for, analyst, manager, requests):
    assert ids(client_for(analyst).get(REQUESTS)) == {r.pk for r in requests}
    assert ids(client_for(manager).get(REQUESTS)) == {r.pk for r in requests}


def test_an_adviser_reads_the_requests_for_their_councils(client_for, advisers, requests):
    pat, _ = advisers
    client = client_for(pat.user)
    assert ids(client.get(REQUESTS)) == {requests[0].pk}
    assert client.get(f"{REQUESTS}{requests[1].pk}/").status_code == 404


def test_filters_and_fields(client_for, analyst, requests):
    client = client_for(analyst)
    assert ids(client.get(REQUESTS, {"council": "E08000003"})) == {requests[1].pk}
    assert ids(client.get(REQUESTS, {"status": "new"})) == {r.pk for r in requests}
    row = client.get(f"{REQUESTS}{requests[0].pk}/").json()
    assert row["reference"] == requests[0].reference and row["council"] == "E06000001"
    assert row["assigned_adviser_name"] == "Pat Adviser"


def test_support_requests_are_read_only(client_for, manager, requests):
    assert client_for(manager).post(REQUESTS, {}, format="json").status_code == 405
