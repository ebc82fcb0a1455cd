"""Engagements through the API are read as rows (engagements/rows.py), for lists and single ones
alike: what a reader receives is the same from the list, the detail, the feed and the CSV, and
keeps the shape and value formats the API has always had."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from rest_framework import serializers

from engagements import rows
from engagements.models import ContactRole, Engagement, EngagementKind, EngagementStatus
from engagements.services import engagement_archive
from lga_portal.csv_export import csv_cell
from offers.models import Offer, Theme
from tests.factories import EngagementFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db
LIST = "/api/v1/engagements/"
FIELDS = [
    "id",
    "url",
    "council",
    "council_name",
    "region",
    "adviser",
    "adviser_name",
    "date",
    "kind",
    "channel",
    "status",
    "roles",
    "offers",
    "themes",
    "summary",
    "private_notes",
    "follow_up_on",
    "follow_up_done",
    "hours",
    "version",
    "archived_at",
    "created_at",
    "modified_at",
]


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
    archived = EngagementFactory(adviser=pat, date=datetime.date(2019, 1, 1), private_notes="Archived")
    engagement_archive(engagement=archived, user=manager)
    return made


READERS = ["analyst", "pat", "manager"]


def reader(who, analyst, manager, advisers):
    return {"analyst": analyst, "pat": advisers[0].user, "manager": manager}[who]


def test_an_engagement_keeps_the_shape_and_formats_the_api_has_always_given(client_for, advisers, varied):
    pat, _ = advisers
    first = Engagement.objects.get(pk=varied[0].pk)
    body = client_for(pat.user).get(f"{LIST}{first.pk}/").json()
    assert list(body) == FIELDS
    moment = serializers.DateTimeField().to_representation  # DRF's own format: local time, "Z" for UTC
    assert body == {
        "id": first.pk,
        "url": f"http://testserver{LIST}{first.pk}/",
        "council": "E06000001",
        "council_name": "Hartlepool",
        "region": "north-east",
        "adviser": pat.pk,
        "adviser_name": "Pat Adviser",
        "date": "2020-06-01",
        "kind": "call",
        "channel": "phone",
        "status": "completed",
        "roles": [r.slug for r in first.roles.all()],
        "offers": [o.slug for o in first.offers.all()],
        "themes": [t.slug for t in first.themes.all()],
        "summary": "",
        "private_notes": "Pat's note",
        "follow_up_on": None,
        "follow_up_done": False,
        "hours": 1.5,
        "version": 1,
        "archived_at": None,
        "created_at": moment(first.created_at),
        "modified_at": moment(first.modified_at),
    }
    assert len(body["offers"]) == 5 and len(body["themes"]) == 3 and len(body["roles"]) == 3


@pytest.mark.parametrize("who", READERS)
def test_list_rows_are_the_detail_rows_with_the_readers_notes(client_for, analyst, manager, advisers, varied, who):
    user = reader(who, analyst, manager, advisers)
    client = client_for(user)
    body = client.get(LIST, {"page_size": 1000}).json()
    assert [row["id"] for row in body["results"]] == [e.pk for e in sorted(varied, key=lambda e: e.date, reverse=True)]
    assert body["results"] == [client.get(row["url"]).json() for row in body["results"]]
    notes = {row["id"]: row["private_notes"] for row in body["results"]}
    assert notes[varied[0].pk] == ("" if who == "analyst" else "Pat's note")
    assert notes[varied[1].pk] == ("Sam's note" if who == "manager" else "")


@pytest.mark.parametrize("who", READERS)
def test_the_feed_rows_are_the_detail_rows_archived_ones_included(client_for, analyst, manager, advisers, varied, who):
    client = client_for(reader(who, analyst, manager, advisers))
    seen = []
    body = client.get(f"{LIST}feed/", {"page_size": 2}).json()
    while True:
        seen.extend(body["results"])
        if not body["next"]:
            break
        body = client.get(body["next"]).json()
    assert len(seen) == 5 and any(row["archived_at"] for row in seen)
    assert seen == [client.get(row["url"]).json() for row in seen]


@pytest.mark.parametrize("who", READERS)
@pytest.mark.parametrize("feed", [False, True])
def test_csv_rows_are_the_json_rows_flattened(client_for, analyst, manager, advisers, varied, who, feed):
    client = client_for(reader(who, analyst, manager, advisers))
    path = f"{LIST}feed/" if feed else LIST
    response = client.get(path, {"format": "csv"})
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert list(table[0]) == FIELDS
    by_id = {row["id"]: row for row in table}
    assert len(by_id) == (5 if feed else 4)
    for engagement in varied:
        data = client.get(f"{LIST}{engagement.pk}/").json()
        cells = by_id[str(engagement.pk)]
        assert cells["offers"] == "; ".join(data["offers"]) and cells["roles"] == "; ".join(data["roles"])
        assert cells["hours"] == ("" if data["hours"] is None else f"{Decimal(str(data['hours'])):.2f}")
        assert cells["follow_up_done"] == "false" and cells["private_notes"] == data["private_notes"]
        assert cells["created_at"] == data["created_at"] and cells["url"] == data["url"]
    second = by_id[str(varied[1].pk)]
    assert second["summary"] == "'=SUM(A1) is not a formula here" and second["follow_up_on"] == "2021-03-01"


def test_rows_read_in_chunks_are_the_rows_read_in_one_go(manager, varied):
    engagements = Engagement.objects.order_by("id")
    in_one_go = rows.complete(list(rows.projection(engagements, manager)))
    columns = [name for name in rows.API_COLUMNS if name != "url"]
    # The CSVs' cells, read two rows at a time, are the rows read in one go, through csv_cell.
    header, *cells = rows.csv_table(engagements, manager, columns, chunk_size=2)
    assert header == columns
    assert cells == [[csv_cell(row[name]) for name in columns] for row in in_one_go]
    assert [row["id"] for row in in_one_go] == sorted(e.pk for e in Engagement.objects.all())
