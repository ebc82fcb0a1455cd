"""The page shown while the database is unreachable is accessible and in the layout."""

import pytest
from django.test import Client

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("fixture", ["page", "page_no_js"])
def test_the_unavailable_page_has_no_axe_violations(request, live_server, database_down, fixture):
    # The answer is made by the portal with its database down, then shown in the browser at
    # the live server's address, so its stylesheets load as they would in production.
    answer = Client().get("/offers/")
    assert answer.status_code == 503
    page = request.getfixturevalue(fixture)
    url = live_server.url + "/offers/"
    page.route(
        url,
        lambda route: route.fulfill(status=503, headers={"Content-Type": answer["Content-Type"]}, body=answer.content),
    )
    response = page.goto(url)
    assert response.status == 503
    assert page.title() == "Sorry, the service is unavailable – LGA support offer"
    assert page.locator("h1").inner_text() == "Sorry, the service is unavailable"
    assert_no_axe_violations(page)
