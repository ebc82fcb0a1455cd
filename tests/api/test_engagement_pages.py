"""Pages of the API's engagements list: ``next`` and ``previous`` walk by keyset cursor, page numbers
still work, the count says whether it is exact, and a page costs the same queries wherever it is."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection

from engagements.models import Engagement
from lga_portal.api import pagination
from lga_portal.api.pagination import PAGE_CURSOR_INVALID
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/engagements/"


@pytest.fixture
def nine(advisers):
    """Nine engagements, two on each of four days and one more, so pages break inside a day."""
    pat, _ = advisers
    days = [datetime.date(2021, 3, d) for d in (1, 1, 2, 2, 3, 3, 4, 4, 5)]
    return [EngagementFactory(adviser=pat, date=day) for day in days]


def walk(client, url):
    """Every page from ``url`` following ``next``: the pages' ids and numbers."""
    pages = []
    while url:
        body = client.get(url).json()
        pages.append(([row["id"] for row in body["results"]], body["page"]))
        url = body["next"]
    return pages


def newest_first():
    return list(Engagement.objects.live().order_by("-date", "-id").values_list("id", flat=True))


def test_following_next_gives_every_engagement_once_in_order(client_for, analyst, nine):
    client = client_for(analyst)
    pages = walk(client, f"{LIST}?page_size=2")
    assert [number for _, number in pages] == [1, 2, 3, 4, 5]
    assert [pk for ids, _ in pages for pk in ids] == newest_first()
    # The links carry a cursor, not a page number: the page is read from the index after it.
    second = client.get(f"{LIST}?page_size=2").json()["next"]
    assert "cursor=" in second and "page=" not in second


def test_following_previous_walks_back_through_the_same_pages(client_for, analyst, nine):
    client = client_for(analyst)
    forwards = walk(client, f"{LIST}?page_size=2")
    body = client.get(f"{LIST}?page_size=2&page=last").json()
    assert (body["page"], [row["id"] for row in body["results"]]) == (5, forwards[-1][0])
    backwards = []
    while True:
        backwards.append(([row["id"] for row in body["results"]], body["page"]))
        if not body["previous"]:
            break
        body = client.get(body["previous"]).json()
    assert backwards == list(reversed(forwards))


def test_numbered_pages_and_another_ordering_still_work(client_for, analyst, nine):
    client = client_for(analyst)
    body = client.get(f"{LIST}?page_size=4&page=2").json()
    assert [row["id"] for row in body["results"]] == newest_first()[4:8]
    oldest_first = list(Engagement.objects.live().order_by("date", "id").values_list("id", flat=True))
    pages = walk(client, f"{LIST}?page_size=2&ordering=date")
    assert [pk for ids, _ in pages for pk in ids] == oldest_first
    assert client.get(f"{LIST}?page_size=4&page=4").status_code == 404


def test_a_small_list_is_counted_exactly(client_for, analyst, nine):
    body = client_for(analyst).get(f"{LIST}?page_size=4").json()
    assert (body["count"], body["count_exact"], body["pages"]) == (9, True, 3)


def test_a_long_list_is_counted_no_further_than_the_limit(client_for, analyst, nine, monkeypatch):
    """Above the limit, PostgreSQL's estimate is given and said to be one (SQLite counts)."""
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 4)
    body = client_for(analyst).get(f"{LIST}?page_size=4").json()
    if connection.vendor == "postgresql":
        assert body["count_exact"] is False and body["count"] >= 5
    else:
        assert (body["count"], body["count_exact"]) == (9, True)
    assert body["pages"] == -(-body["count"] // 4)


def test_an_altered_cursor_or_one_for_another_ordering_is_refused(client_for, analyst, nine):
    client = client_for(analyst)
    following = client.get(f"{LIST}?page_size=2").json()["next"]
    (cursor,) = parse_qs(urlsplit(following).query)["cursor"]
    altered = client.get(f"{LIST}?page_size=2&cursor={cursor[:-3]}abc")
    assert altered.status_code == 400 and altered.json()["errors"]["cursor"] == [PAGE_CURSOR_INVALID]
    other = client.get(f"{LIST}?page_size=2&ordering=date&cursor={cursor}")
    assert other.status_code == 400


def test_a_deep_page_costs_the_queries_the_first_does(client_for, analyst, nine, django_assert_num_queries):
    client = client_for(analyst)
    client.get(f"{LIST}?page_size=2")  # the token's first use is recorded once
    first = client.get(f"{LIST}?page_size=2").json()
    url = first["next"]
    for _ in range(3):
        url = client.get(url).json()["next"]
    # Token, permissions (2), count, page rows, roles, offers, themes.
    for address in (f"{LIST}?page_size=2", url, f"{LIST}?page_size=2&page=last"):
        with django_assert_num_queries(8):
            assert client.get(address).status_code == 200
