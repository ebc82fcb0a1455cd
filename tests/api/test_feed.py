"""The engagements feed: keyset paging on (modified_at, id) that misses nothing while data changes."""

import datetime

import pytest
from django.utils import timezone

from engagements.models import Engagement
from engagements.services import engagement_archive, engagement_update
from lga_portal.api.pagination import CURSOR_INVALID
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db
FEED = "/api/v1/engagements/feed/"


def walk(client, url, **params):
    """Follow `next` to the end; return the ids seen, in order, and the last cursor."""
    seen, cursor = [], None
    response = client.get(url, params)
    while True:
        body = response.json()
        assert response.status_code == 200, body
        seen.extend(row["id"] for row in body["results"])
        cursor = body["cursor"] or cursor
        if not body["next"]:
            return seen, cursor
        response = client.get(body["next"])


@pytest.fixture
def many(advisers):
    pat, _ = advisers
    return [
        EngagementFactory(adviser=pat, date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i)) for i in range(7)
    ]


def test_the_feed_lists_every_engagement_in_change_order(client_for, analyst, many):
    seen, cursor = walk(client_for(analyst), FEED, page_size=3)
    assert seen == [e.pk for e in Engagement.objects.order_by("modified_at", "pk")]
    assert cursor


def test_rows_changed_during_a_walk_are_neither_missed_nor_repeated_before_their_change(
    client_for, analyst, advisers, many
):
    client = client_for(analyst)
    first = client.get(FEED, {"page_size": 3}).json()
    # While the analyst is between pages: one already-seen row changes, one unseen row is archived,
    # and a new row is logged.
    engagement_update(engagement=many[0], user=None, version=1, summary="Changed after it was read")
    engagement_archive(engagement=many[5], user=None)
    new = EngagementFactory(adviser=advisers[0], date=datetime.date(2020, 3, 1))
    rest, _ = walk(client, first["next"])
    seen = [row["id"] for row in first["results"]] + rest
    # Every row arrives; the changed and archived ones (again) in their new place, with their new values.
    assert set(seen) == {e.pk for e in many} | {new.pk}
    assert seen[-3:] == [many[0].pk, many[5].pk, new.pk]
    assert seen.count(many[5].pk) == 1


def test_a_saved_cursor_gives_only_what_changed_since(client_for, analyst, many):
    client = client_for(analyst)
    _, cursor = walk(client, FEED, page_size=100)
    assert client.get(FEED, {"cursor": cursor}).json() == {"next": None, "cursor": cursor, "results": []}
    engagement_update(engagement=many[2], user=None, version=1, summary="Later")
    body = client.get(FEED, {"cursor": cursor}).json()
    assert [row["id"] for row in body["results"]] == [many[2].pk]
    assert body["results"][0]["summary"] == "Later" and body["cursor"] != cursor


def test_archived_engagements_are_in_the_feed(client_for, analyst, many):
    engagement_archive(engagement=many[1], user=None)
    rows = {row["id"]: row for row in client_for(analyst).get(FEED).json()["results"]}
    assert rows[many[1].pk]["archived_at"] is not None


def test_modified_since_starts_the_feed_at_a_time(client_for, analyst, many):
    Engagement.objects.filter(pk__in=[e.pk for e in many[:4]]).update(
        modified_at=timezone.now() - datetime.timedelta(days=10)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    seen, _ = walk(client_for(analyst), FEED, modified_since=since)
    assert set(seen) == {e.pk for e in many[4:]}


@pytest.mark.parametrize("cursor", ["garbage", "WyIyMDIwLTAxLTAxIiwxXQ:1abc:forged", ""])
def test_a_tampered_cursor_is_400(client_for, analyst, many, cursor):
    client = client_for(analyst)
    real = client.get(FEED, {"page_size": 2}).json()["cursor"]
    for bad in (cursor or real[:-2] + ("AA" if not real.endswith("AA") else "BB"),):
        response = client.get(FEED, {"cursor": bad})
        assert response.status_code == 400
        assert response.json()["errors"] == {"cursor": [CURSOR_INVALID]}


def test_the_feed_needs_a_reader(api, many):
    assert api.get(FEED).status_code == 401
