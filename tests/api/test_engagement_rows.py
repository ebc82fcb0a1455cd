"""Engagement lists are read as rows (EngagementRows), not serialized instance by instance:
what each reader receives must be exactly what EngagementSerializer gives for the same engagement."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from engagements.api.engagements import EngagementRows, EngagementSerializer
from engagements.models import ContactRole, Engagement, EngagementKind, EngagementStatus
from engagements.permissions import with_visible_notes
from engagements.services import engagement_archive
from lga_portal.api.renderers import csv_columns, csv_rows
from lga_portal.csv_export import csv_lines
from offers.models import Offer, Theme
from tests.factories import EngagementFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db
LIST = "/api/v1/engagements/"


@pytest.fixture
def varied(advisers, manager):
    """Engagements with every kind of value: several roles, offers (across themes) and themes,
    hours and none, follow-ups, other statuses, notes by either adviser, one archived."""
    pat, sam = advisers
    offers = list(Offer.objects.order_by("-id")[:3]) + list(Offer.objects.order_by("id")[:2])
    themes = list(Theme.objects.order_by("-order")[:3])
    roles = list(ContactRole.objects.order_by("-name")[:3])
    made = [
        EngagementFactory(
            adviser=pat,
            date=DAY,
            offers=offers,
            themes=themes,
            roles=roles,
            hours=Decimal("1.5"),
            private_notes="Pat's note",
        ),
        EngagementFactory(
            adviser=sam,
            date=datetime.date(2021, 2, 3),
            kind=EngagementKind.COACHING,
            hours=Decimal("2"),
            follow_up_on=datetime.date(2021, 3, 1),
            summary="=SUM(A1) is not a formula here",
            private_notes="Sam's note",
        ),
        EngagementFactory(
            adviser=pat, date=datetime.date(2022, 5, 6), status=EngagementStatus.PLANNED, offers=offers[:1]
        ),
        EngagementFactory(adviser=sam, date=datetime.date(2023, 7, 8), status=EngagementStatus.CANCELLED),
    ]
    engagement_archive(
        engagement=EngagementFactory(adviser=pat, date=datetime.date(2019, 1, 1), private_notes="Archived"),
        user=manager,
    )
    return made


def serializer_rows(user, queryset) -> list[dict]:
    """What the serializer gives, instance by instance, for ``queryset`` (in its order)."""
    request = APIRequestFactory().get(LIST)
    request.user = user
    serializer = EngagementSerializer(context={"request": request})
    return [serializer.to_representation(e) for e in with_visible_notes(queryset.with_related(), user)]


def as_json(rows) -> list[dict]:
    """As a client receives them (decimals become numbers)."""
    return json.loads(JSONRenderer().render(rows))


READERS = ["analyst", "pat", "manager"]


def reader(who, analyst, manager, advisers):
    return {"analyst": analyst, "pat": advisers[0].user, "manager": manager}[who]


@pytest.mark.parametrize("who", READERS)
def test_list_rows_are_the_serializers_rows(client_for, analyst, manager, advisers, varied, who):
    user = reader(who, analyst, manager, advisers)
    client = client_for(user)
    body = client.get(LIST, {"page_size": 1000}).json()
    assert body["count"] == 4
    assert body["results"] == as_json(serializer_rows(user, Engagement.objects.live().order_by("-date", "-id")))
    assert body["results"] == [client.get(row["url"]).json() for row in body["results"]]


def test_rows_keep_each_relations_order_and_the_readers_notes(client_for, advisers, varied):
    pat, _ = advisers
    rows = {row["id"]: row for row in client_for(pat.user).get(LIST).json()["results"]}
    first = varied[0]
    assert rows[first.pk]["offers"] == [o.slug for o in first.offers.all()]
    assert rows[first.pk]["themes"] == [t.slug for t in first.themes.all()]
    assert rows[first.pk]["roles"] == [r.slug for r in first.roles.all()]
    assert len(rows[first.pk]["offers"]) == 5 and rows[first.pk]["hours"] == 1.5
    assert rows[first.pk]["private_notes"] == "Pat's note"
    assert rows[varied[1].pk]["private_notes"] == ""  # Sam's
    assert rows[varied[3].pk]["offers"] == [] and rows[varied[3].pk]["hours"] is None


@pytest.mark.parametrize("who", READERS)
def test_the_feed_rows_are_the_serializers_rows_archived_ones_included(
    client_for, analyst, manager, advisers, varied, who
):
    user = reader(who, analyst, manager, advisers)
    client = client_for(user)
    seen = []
    body = client.get(f"{LIST}feed/", {"page_size": 2}).json()
    while True:
        seen.extend(body["results"])
        if not body["next"]:
            break
        body = client.get(body["next"]).json()
    assert len(seen) == 5
    assert seen == as_json(serializer_rows(user, Engagement.objects.order_by("modified_at", "pk")))


@pytest.mark.parametrize("who", READERS)
@pytest.mark.parametrize("feed", [False, True])
def test_csv_rows_are_the_serializers_rows(client_for, analyst, manager, advisers, varied, who, feed):
    user = reader(who, analyst, manager, advisers)
    response = client_for(user).get(f"{LIST}feed/" if feed else LIST, {"format": "csv"})
    text = b"".join(response.streaming_content).decode()
    request = APIRequestFactory().get(LIST)
    request.user = user
    engagements = Engagement.objects.order_by("modified_at", "pk") if feed else Engagement.objects.live()
    expected = serializer_rows(user, engagements)
    assert text == "".join(
        csv_lines(csv_rows(csv_columns(EngagementSerializer(context={"request": request})), expected))
    )
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    first = next(row for row in rows if row["id"] == str(varied[0].pk))
    assert first["offers"] == "; ".join(o.slug for o in varied[0].offers.all()) and first["hours"] == "1.50"
    second = next(row for row in rows if row["id"] == str(varied[1].pk))
    assert second["summary"] == "'=SUM(A1) is not a formula here" and second["follow_up_on"] == "2021-03-01"


def test_rows_in_chunks_are_the_rows_in_one_go(rf, manager, varied):
    request = rf.get(LIST)
    request.user = manager
    rows = EngagementRows(EngagementSerializer(context={"request": request}))
    queryset = rows.queryset(Engagement.objects.order_by("id"), manager)
    assert list(rows.stream(queryset, chunk_size=2)) == rows.represent(list(queryset))
