"""Links that change one parameter keep the others: pagination, sorting, "clear filters",
"search instead", the CSV links (Django's ``{% querystring %}``), and the redirects and admin
links built in Python (``lga_portal.http.url_with_query``)."""

import re

import pytest
from django.http import QueryDict

from lga_portal.http import url_with_query
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def hrefs(response, css_class: str) -> list[str]:
    html = response.content.decode()
    return [href.replace("&amp;", "&") for href in re.findall(rf'class="[^"]*{css_class}[^"]*" href="([^"]*)"', html)]


def test_the_council_registers_page_links_keep_the_search_and_filters(client):
    response = client.get("/councils/", {"kind": "non-metropolitan-district", "page": "2"})
    assert response.context["page_obj"].number == 2
    links = hrefs(response, "govuk-pagination__link")
    assert "?kind=non-metropolitan-district&page=1" in links
    assert "?kind=non-metropolitan-district&page=3" in links


def test_the_catalogues_page_links_keep_every_value_of_a_filter(client):
    response = client.get("/offers/?status=available&status=in-development&page=2")
    links = hrefs(response, "govuk-pagination__link")
    assert links and all(link.startswith("?status=available&status=in-development&page=") for link in links)


def test_clear_filters_keeps_the_search_words_and_drops_filters_sort_and_page(client):
    response = client.get("/offers/?q=zebracrossing&theme=leadership&sort=title&page=3&audience=councillors")
    assert 'href="/offers/?q=zebracrossing">clear the filters</a>' in response.content.decode()


def test_a_sort_link_keeps_the_filters_and_goes_back_to_the_first_page(client):
    manager = UserFactory(role="manager")
    client.force_login(manager)
    response = client.get("/workspace/", {"region": "north-east", "page": "2", "sort": "council"})
    html = response.content.decode()
    assert (
        'aria-sort="ascending"><a class="govuk-link app-sort-link" href="?region=north-east&amp;sort=council&amp;dir=desc">Council'
        in html
    )
    assert 'href="?region=north-east&amp;sort=last&amp;dir=asc">Last engagement</a>' in html


def test_the_csv_link_keeps_the_lists_filters_but_not_its_page(client):
    manager = UserFactory(role="manager")
    client.force_login(manager)
    html = client.get("/workspace/engagements/", {"kind": "meeting", "page": "2"}).content.decode()
    assert 'href="/workspace/engagements/export.csv?kind=meeting" download' in html
    html = client.get("/workspace/engagements/").content.decode()
    assert 'href="/workspace/engagements/export.csv" download' in html


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        (None, {}, "/offers/"),
        (None, {"q": "peer review", "exact": 1}, "/offers/?q=peer+review&exact=1"),
        (QueryDict("theme=a&theme=b&page=4"), {"page": None}, "/offers/?theme=a&theme=b"),
        (QueryDict("theme=a&page=4"), {"page": 5}, "/offers/?theme=a&page=5"),
        (QueryDict("page=4"), {"page": None}, "/offers/"),
        (None, {"theme": ["a", "b"]}, "/offers/?theme=a&theme=b"),
    ],
)
def test_url_with_query_changes_only_the_parameters_named(query, params, expected):
    assert url_with_query("/offers/", query, **params) == expected
