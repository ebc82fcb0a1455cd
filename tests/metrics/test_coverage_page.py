"""The coverage page: for principal advisers and managers; charts, tables, councils not engaged."""

import datetime
import html as html_lib

import pytest
from django.utils import timezone

from engagements.models import Channel, Council, EngagementKind, Region
from metrics.forms import DATE_INVALID, DATE_OUT_OF_RANGE, PERIOD_REVERSED, PERIOD_TOO_LONG
from tests.factories import AdviserFactory, EngagementFactory

pytestmark = pytest.mark.django_db
URL = "/metrics/coverage/"
D = datetime.date


@pytest.fixture
def engaged_north_east():
    """Four North East councils engaged in January–February 2024, one of them twice."""
    adviser = AdviserFactory()
    councils = list(Council.objects.filter(region__slug="north-east").order_by("gss_code")[:4])
    for council, day in zip(councils, (D(2024, 1, 10), D(2024, 1, 20), D(2024, 2, 5), D(2024, 2, 6)), strict=True):
        EngagementFactory(council=council, adviser=adviser, date=day)
    EngagementFactory(
        council=councils[0], adviser=adviser, date=D(2024, 2, 1), kind=EngagementKind.VISIT, channel=Channel.IN_PERSON
    )
    return councils


def page(client, params=None) -> str:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def test_anonymous_readers_are_asked_to_sign_in(client):
    response = client.get(URL, {"from": "2024-01-01"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/metrics/coverage/%3Ffrom%3D2024-01-01"


@pytest.mark.parametrize("role", ["analyst", "editor"])
def test_other_roles_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get(URL)
    assert response.status_code == 403
    assert "You cannot see engagement coverage" in response.content.decode()


@pytest.mark.parametrize("role", ["adviser", "manager"])
def test_advisers_and_managers_see_coverage(client, make_user, role, engaged_north_east):
    client.force_login(make_user(role))
    html = page(client, {"from": "2024-01-01", "to": "2024-03-31", "period": "month", "by": "region"})
    # All councils: 4 of 317 engaged in the quarter (1.3%); by month 2 then 2 (the visit repeats a council).
    assert "4 of 317 councils had at least one engagement between 1 January 2024 and 31 March 2024" in html
    assert "1.3%" in html
    assert "Jan 2024" in html and "Mar 2024" in html
    assert html.count('role="img"') == 1 + Region.objects.count()
    assert "By region" in html and "2 of 12" in html  # North East in January and February
    assert "313 councils had no completed engagement in the period." in html
    assert engaged_north_east[0].name not in html.split('id="not-engaged"')[1]


def test_councils_not_engaged_are_paginated(client, make_user):
    client.force_login(make_user("manager"))
    html = page(client, {"from": "2024-01-01", "to": "2024-03-31"})
    assert "317 councils had no completed engagement" in html
    assert "Page 1 of 7" in html
    html = page(client, {"from": "2024-01-01", "to": "2024-03-31", "page": "7"})
    assert "Page 7 of 7" in html and "from=2024-01-01" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2024-03-31", "to": "2024-01-01"}, PERIOD_REVERSED),
        ({"from": "01/01/2024"}, DATE_INVALID.format(which="start", example="2020-03-01")),
        ({"to": "2024-02-30"}, DATE_INVALID.format(which="end", example="2020-09-30")),
        ({"from": "1974-01-01", "to": "2024-01-01"}, DATE_OUT_OF_RANGE.format(which="start")),
        ({"from": "2000-01-01", "to": "2050-01-01"}, PERIOD_TOO_LONG),
    ],
)
def test_bad_dates_are_explained_on_the_page(client, make_user, params, message):
    client.force_login(make_user("adviser"))
    html = page(client, params)
    assert "There is a problem" in html and message in html
    assert "<title>Error: Engagement coverage" in html
    assert 'role="img"' not in html
    for value in params.values():
        assert f'value="{value}"' in html  # what was typed is kept


def test_unknown_period_or_grouping_is_ignored(client, make_user):
    client.force_login(make_user("adviser"))
    html = page(client, {"period": "fortnight", "by": "colour"})
    assert "There is a problem" not in html
    assert "All councils, by quarter" in html and "By region" not in html


def test_default_period_is_the_last_four_quarters(client, make_user):
    client.force_login(make_user("adviser"))
    html = page(client)
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in html


@pytest.mark.parametrize(("by", "queries"), [("", 8), ("region", 9), ("council_kind", 8), ("engagement_kind", 9)])
def test_query_count_is_fixed(client, make_user, django_assert_num_queries, by, queries):
    client.force_login(make_user("adviser"))
    params = {"from": "2020-01-01", "to": "2025-12-31", "period": "quarter", "by": by}
    with django_assert_num_queries(queries):
        client.get(URL, params)
    adviser = AdviserFactory()
    for i, council in enumerate(Council.objects.active().order_by("gss_code")[:60]):
        EngagementFactory(council=council, adviser=adviser, date=D(2020 + i % 6, 1 + i % 12, 1))
    with django_assert_num_queries(queries):
        client.get(URL, params)
