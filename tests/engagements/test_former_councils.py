"""Abolished councils are not a dead end: a former council's name finds the council that replaced
it wherever a council is chosen or searched, and choosing the former one is refused with a
message naming its successors."""

import re

import pytest
from django.urls import reverse

from engagements.models import Council
from tests.engagements.html import field_error
from tests.factories import AdviserFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFER = "recovery-and-renewal-panel"
NORTH_YORKSHIRE = "E06000065"
CRAVEN = "E07000163"


@pytest.fixture
def north_yorkshire():
    council = Council.objects.get(gss_code=NORTH_YORKSHIRE)
    assert council.predecessors.filter(gss_code=CRAVEN).exists()
    return council


def options(html: str, select_name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{select_name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_request_form_lists_craven_as_the_council_that_replaced_it(client, north_yorkshire):
    html = client.get(f"/offers/{OFFER}/request/").content.decode()
    listed = options(html, "council")
    assert (NORTH_YORKSHIRE, "North Yorkshire (replaced Craven in April 2023)") in listed
    assert (NORTH_YORKSHIRE, "North Yorkshire") in listed
    # Listed where an officer from Craven looks for it: between Coventry and Crawley.
    labels = [label for _, label in listed]
    at = labels.index("North Yorkshire (replaced Craven in April 2023)")
    assert labels[at - 1] == "Coventry" and labels[at + 1] == "Crawley"
    assert CRAVEN not in {value for value, _ in listed}


def test_the_home_pages_adviser_finder_finds_craven_too(client, north_yorkshire):
    html = client.get("/").content.decode()
    assert (NORTH_YORKSHIRE, "North Yorkshire (replaced Craven in April 2023)") in options(html, "council")


def test_choosing_craven_sends_the_request_for_north_yorkshire(
    client, north_yorkshire, django_capture_on_commit_callbacks
):
    AdviserFactory(name="Nell Adviser", email="nell@advisers.example.org", councils=[NORTH_YORKSHIRE])
    answers = {
        "council": NORTH_YORKSHIRE,
        "name": "Sam Officer",
        "email": "sam@craven.example",
        "consent": "on",
        "website": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/offers/{OFFER}/request/", answers)
    assert response.status_code == 302
    assert north_yorkshire.support_requests.get().assigned_adviser.name == "Nell Adviser"


def test_posting_cravens_code_is_refused_naming_north_yorkshire(client, north_yorkshire):
    response = client.post(
        f"/offers/{OFFER}/request/",
        {"council": CRAVEN, "name": "Sam Officer", "email": "sam@craven.example", "consent": "on"},
    )
    assert response.status_code == 200
    message = "Craven was replaced by North Yorkshire in April 2023: choose North Yorkshire."
    assert field_error(response, "council") == message


def test_a_council_split_in_two_names_both_successors(client):
    response = client.post(
        f"/offers/{OFFER}/request/",
        {"council": "E10000006", "name": "Sam Officer", "email": "sam@cumbria.example", "consent": "on"},
    )
    assert field_error(response, "council") == (
        "Cumbria was replaced by Cumberland and Westmorland and Furness in April 2023: "
        "choose Cumberland or Westmorland and Furness."
    )


def test_the_register_finds_north_yorkshire_for_craven_without_include_abolished(client, north_yorkshire):
    response = client.get("/councils/", {"q": "Craven"})
    html = response.content.decode()
    assert [c.gss_code for c in response.context["councils"]] == [NORTH_YORKSHIRE]
    assert ">North Yorkshire</a> (replaced Craven in April 2023)" in html
    with_abolished = client.get("/councils/", {"q": "Craven", "abolished": "on"})
    assert {c.gss_code for c in with_abolished.context["councils"]} == {CRAVEN, NORTH_YORKSHIRE}
    # Its former code finds it too.
    assert [c.gss_code for c in client.get("/councils/", {"q": CRAVEN}).context["councils"]] == [NORTH_YORKSHIRE]


def test_the_register_search_queries_are_fixed(client, django_assert_num_queries):
    with django_assert_num_queries(4):  # count, page, former councils matched, regions for the filter
        client.get("/councils/", {"q": "shire"})


def test_the_workspace_council_picker_finds_craven_and_names_its_successor(client, north_yorkshire):
    adviser = UserFactory(role="manager")
    client.force_login(adviser)
    new = reverse("workspace:engagement_new")
    html = client.get(new).content.decode()
    listed = options(html, "council")
    assert (str(north_yorkshire.pk), "North Yorkshire (replaced Craven in April 2023)") in listed
    craven = Council.objects.get(gss_code=CRAVEN)
    assert (str(craven.pk), "Craven (abolished 1 April 2023)") in listed


def test_the_api_search_of_active_councils_finds_north_yorkshire_for_craven(client, north_yorkshire):
    response = client.get("/api/v1/councils/", {"search": "Craven", "active": "true"})
    assert [row["gss_code"] for row in response.json()["results"]] == [NORTH_YORKSHIRE]
    craven = client.get(f"/api/v1/councils/{CRAVEN}/").json()
    assert craven["is_active"] is False
    assert [s["gss_code"] for s in craven["successors"]] == [NORTH_YORKSHIRE]
