"""Large exports: streamed in pieces of about 64 KB, the same cells as the API's JSON, and an
export of many rows imports back unchanged."""

import csv
import io

import pytest
from django.urls import reverse

from engagements import rows
from engagements.imports import import_engagements
from engagements.models import Engagement
from lga_portal.api.tokens import api_token_create
from lga_portal.csv_export import BOM, CHUNK_BYTES, csv_cell, csv_lines
from offers.models import Offer, Theme

pytestmark = pytest.mark.django_db

EXPORT = reverse("workspace:engagement_export")
HEADER = "council,date,kind,channel,adviser,roles,offers,themes,summary,private_notes,follow_up_on,follow_up_done,hours,status\n"
RECORD_COLUMNS = ("id", "created_at", "modified_at")


def test_csv_text_comes_in_pieces_of_at_least_64_kb_except_the_last():
    table = [["n", "text"]] + [[str(n), "x" * 500] for n in range(1_000)]
    pieces = list(csv_lines(table))
    assert len(pieces) == 8  # about 500 KB
    assert all(len(piece.encode()) >= CHUNK_BYTES for piece in pieces[:-1])
    assert 0 < len(pieces[-1].encode()) < CHUNK_BYTES
    assert "".join(pieces) == BOM + "".join(f"{a},{b}\r\n" for a, b in table)
    assert list(csv_lines([])) == [BOM]


@pytest.fixture
def many(manager, alice):
    """400 engagements of about 1 KB each, every link kind, a few defused cells: imported."""
    offers = list(Offer.objects.order_by("slug")[:3])
    themes = list(Theme.objects.order_by("slug")[:2])
    lines = []
    for i in range(400):
        summary = f"=SUM(A{i})" if i % 50 == 0 else f"Row {i}: " + "talk about budgets " * 50
        lines.append(
            f"E06000{i % 3 + 1:03d},2024-{i % 12 + 1:02d}-{i % 28 + 1:02d},call,phone,,chief-executive,"
            f'"{offers[i % 3].slug}; {offers[(i + 1) % 3].slug}",{themes[i % 2].slug},"{summary}",'
            f"Note {i},,,{i % 4}.25,{'planned' if i % 7 == 0 else 'completed'}\n"
        )
    report = import_engagements(io.BytesIO((HEADER + "".join(lines)).encode()), user=manager)
    assert report.ok and report.imported == 400


def _body(response) -> tuple[list[bytes], list[dict]]:
    pieces = list(response.streaming_content)
    body = b"".join(pieces)
    assert body.startswith(BOM.encode())
    return pieces, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _engagement_columns(table: list[dict]) -> list[dict]:
    kept = [{k: v for k, v in row.items() if k not in RECORD_COLUMNS} for row in table]
    return sorted(kept, key=lambda row: sorted(row.items()))


def test_a_large_export_streams_in_64_kb_pieces_and_imports_back_unchanged(client_as, manager, many):
    client = client_as(manager)
    pieces, exported = _body(client.get(EXPORT))
    assert len(exported) == 400 and len(pieces) >= 5
    assert all(len(piece) >= CHUNK_BYTES for piece in pieces[:-1])
    assert exported[-1]["summary"] == "'=SUM(A0)"  # the oldest row, defused

    Engagement.objects.all().delete()
    report = import_engagements(io.BytesIO(b"".join(pieces)), user=manager)
    assert report.ok and report.imported == 400
    _, again = _body(client.get(EXPORT))
    assert _engagement_columns(again) == _engagement_columns(exported)


def test_the_api_csv_streams_in_64_kb_pieces_with_the_jsons_values(client_as, manager, many):
    _, key = api_token_create(user=manager, name="tests", days=30)
    client = client_as(manager)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    pieces, table = _body(client.get("/api/v1/engagements/", {"format": "csv"}, **auth))
    assert len(table) == 400 and all(len(piece) >= CHUNK_BYTES for piece in pieces[:-1])
    assert list(table[0]) == list(rows.API_COLUMNS)
    # Every cell is the JSON's value as a cell, for each row of the first JSON page.
    page = client.get("/api/v1/engagements/", **auth).json()["results"]
    by_id = {row["id"]: row for row in table}
    for item in page:
        assert by_id[str(item["id"])] == {name: csv_cell(item[name]) for name in rows.API_COLUMNS}
