"""Analysts land on a page of their own after signing in: their tokens, the API's documentation,
ready-made requests for JSON, CSV and open data. They still may not log engagements."""

import re

import pytest

from engagements.workspace.data_views import OPEN_DATA
from lga_portal.api.tokens import api_token_create

pytestmark = pytest.mark.django_db

PAGE = "/workspace/data/"


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", username="ann")


def test_an_analyst_who_signs_in_lands_on_the_data_page(client, analyst):
    response = client.post("/accounts/login/", {"username": "ann", "password": "correct horse battery"}, follow=True)
    assert response.redirect_chain == [("/workspace/", 302), (PAGE, 302)]
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Data and API</h1>' in html
    assert "does not log or change engagements" in html
    assert 'href="/workspace/data/" aria-current="page"' in html  # in the service navigation


def test_the_page_links_tokens_docs_csv_and_open_data(client, analyst):
    api_token_create(user=analyst, name="Power BI", days=30)
    client.force_login(analyst)
    html = client.get(PAGE).content.decode()
    assert 'href="/api/tokens/"' in html and "You have 1 working token." in html
    assert 'href="/api/docs/"' in html and 'href="/api/schema/?format=json"' in html
    assert "format=csv" in html
    for example in OPEN_DATA:
        assert f'href="{example.path}"' in html
    assert "Authorization: Bearer $LGA_TOKEN" in html and "http://testserver/api/v1/engagements/?date_from=" in html


def test_every_ready_made_request_answers_the_analyst(client, analyst):
    client.force_login(analyst)
    html = client.get(PAGE).content.decode()
    links = sorted(set(re.findall(r'href="(/api/(?:v1|hsds)/[^"]+)"', html)))
    assert len(links) >= 10
    for link in links:
        accept = {} if "format=csv" in link else {"HTTP_ACCEPT": "application/json"}
        response = client.get(link.replace("&amp;", "&"), **accept)
        assert response.status_code == 200, (link, response.content[:300])
        if "format=csv" in link:
            assert response["Content-Type"].startswith("text/csv")
            assert response.getvalue().count(b"\n") >= 1  # a header row at least


def test_an_analyst_still_may_not_log_engagements_or_see_the_dashboard(client, analyst):
    client.force_login(analyst)
    dashboard = client.get("/workspace/")
    assert dashboard.status_code == 302 and dashboard["Location"] == PAGE
    assert client.get("/workspace/engagements/new/").status_code == 403
    assert client.get("/workspace/engagements/").status_code == 403
    html = client.get(PAGE).content.decode()
    assert "Your councils" not in html and "Log an engagement" not in html


def test_advisers_and_managers_keep_their_dashboard_and_may_read_the_page(client, alice, manager):
    for user in (alice, manager):
        client.force_login(user)
        assert client.get("/workspace/").status_code == 200
        html = client.get(PAGE).content.decode()
        assert "does not log or change engagements" not in html
        assert 'href="/workspace/data/" aria-current="page">Data and API</a>' in html  # workspace navigation


def test_the_page_is_refused_to_those_who_read_no_engagements(client, make_user):
    assert client.get(PAGE)["Location"] == f"/accounts/login/?next={PAGE}"
    client.force_login(make_user("editor"))
    assert client.get(PAGE).status_code == 403


def test_the_page_makes_a_fixed_number_of_queries(client, analyst, django_assert_num_queries):
    for n in range(3):
        api_token_create(user=analyst, name=f"token {n}", days=30)
    client.force_login(analyst)
    # Session, user, permissions (user and group), the token count.
    with django_assert_num_queries(5):
        client.get(PAGE)
