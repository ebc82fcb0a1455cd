"""The 404 and 500 pages use the portal's layout."""

import pytest
from django.test import RequestFactory

from lga_portal.views import server_error

pytestmark = pytest.mark.django_db


def test_404_is_in_the_layout_with_ways_on(client):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found – LGA support offer</title>" in html
    assert "govuk-header" in html and "govuk-footer" in html
    assert 'href="/offers/"' in html


def test_500_is_in_the_layout_and_needs_nothing_from_the_request():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "govuk-header" in html and "<script" not in html
