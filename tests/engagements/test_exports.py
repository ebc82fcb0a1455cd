"""CSV export: streamed, UTF-8 with a byte-order mark, one row per engagement, filtered as on screen."""

import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import ContactRole
from engagements.services import engagement_archive
from offers.models import Offer
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("workspace:engagement_export")


def read(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_export_is_a_streamed_csv_file_with_one_row_per_engagement(client_as, alice, hartlepool):
    offers = list(Offer.objects.published().order_by("slug")[:2])
    roles = list(ContactRole.objects.filter(slug__in=["chief-executive", "leader"]))
    engagement = EngagementFactory(
        council=hartlepool,
        adviser=alice.adviser,
        summary="Café chat, “quoted”",
        offers=offers,
        roles=roles,
        hours="1.5",
    )
    response = client_as(alice).get(EXPORT)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="engagements-')
    rows = read(response)
    assert list(rows[0]) == [
        "id",
        "council",
        "council_name",
        "region",
        "adviser",
        "adviser_name",
        "adviser_email",
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
        "created_at",
        "modified_at",
    ]
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(engagement.pk) and row["council"] == "E06000001" and row["council_name"] == "Hartlepool"
    assert row["region"] == "north-east" and row["date"] == engagement.date.isoformat()
    assert row["summary"] == "Café chat, “quoted”" and row["kind"] == "call" and row["hours"] == "1.50"
    assert row["offers"] == "; ".join(o.slug for o in sorted(offers, key=lambda o: (o.theme.order, o.title)))
    assert set(row["roles"].split("; ")) == {r.slug for r in roles}
    assert row["adviser"] == str(alice.adviser.pk) and row["adviser_name"] == "Alice Adviser"
    assert row["adviser_email"] == alice.adviser.email and row["follow_up_done"] == "false"


def test_the_export_is_filtered_as_on_screen_and_leaves_out_archived(client_as, alice, bob, hartlepool, stockton):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Alice visit", kind="visit")
    EngagementFactory(council=stockton, adviser=bob.adviser, summary="Bob call")
    engagement_archive(
        engagement=EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Archived one"), user=alice
    )
    client = client_as(alice)
    assert {r["summary"] for r in read(client.get(EXPORT))} == {"Alice visit", "Bob call"}
    assert [r["summary"] for r in read(client.get(EXPORT, {"kind": "visit"}))] == ["Alice visit"]
    assert [r["summary"] for r in read(client.get(EXPORT, {"adviser": bob.adviser.pk}))] == ["Bob call"]
    assert [r["summary"] for r in read(client.get(EXPORT, {"council": stockton.slug}))] == ["Bob call"]
    list_page = client.get(reverse("workspace:engagement_list"), {"kind": "visit"}).content.decode()
    assert f'href="{EXPORT}?kind=visit"' in list_page


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(client_as, alice, hartlepool):
    EngagementFactory(council=hartlepool, adviser=alice.adviser, summary='=HYPERLINK("http://example.org")')
    assert read(client_as(alice).get(EXPORT))[0]["summary"] == '\'=HYPERLINK("http://example.org")'


def test_the_export_reads_in_chunks_with_a_fixed_number_of_queries(client_as, alice, hartlepool):
    client = client_as(alice)
    EngagementFactory(council=hartlepool, adviser=alice.adviser)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = read(client.get(EXPORT))
        return len(captured), len(rows)

    few, one = queries()
    for n in range(30):
        EngagementFactory(
            council=hartlepool,
            adviser=alice.adviser,
            summary=f"call {n}",
            offers=list(Offer.objects.order_by("slug")[:2]),
        )
    many, rows = queries()
    assert (one, rows) == (1, 31) and many == few


# --- One table: the export imports back unchanged, and agrees with the API's CSV ------------------

# Columns that belong to the stored row rather than to the engagement: new on import.
RECORD_COLUMNS = ("id", "created_at", "modified_at")


@pytest.fixture
def varied(alice, bob, manager, hartlepool, stockton):
    """Engagements with every kind of value an export carries."""
    import datetime
    from decimal import Decimal

    from engagements.models import Council
    from offers.models import Theme

    offers = list(Offer.objects.order_by("-id")[:3])
    allerdale = Council.objects.get(gss_code="E07000026")  # abolished in 2023; engaged before
    return [
        EngagementFactory(
            council=hartlepool,
            adviser=alice.adviser,
            date=datetime.date(2024, 5, 1),
            kind="ceo_one_to_one",
            channel="in_person",
            roles=list(ContactRole.objects.order_by("name")[:2]),
            offers=offers,
            themes=list(Theme.objects.order_by("-order")[:2]),
            summary="Two lines,\r\nwith a comma and “quotes”",
            private_notes="Alice's note",
            follow_up_on=datetime.date(2024, 6, 1),
            follow_up_done=True,
            hours=Decimal("1.25"),
        ),
        EngagementFactory(
            council=stockton,
            adviser=bob.adviser,
            user=manager,
            date=datetime.date(2024, 5, 2),
            kind="coaching",
            channel="video",
            status="planned",
            summary='=HYPERLINK("http://example.org")',
            private_notes="-2 is not a formula, -x is",
        ),
        EngagementFactory(council=allerdale, adviser=alice.adviser, date=datetime.date(2021, 7, 8), status="cancelled"),
        EngagementFactory(council=hartlepool, adviser=bob.adviser, date=datetime.date(2024, 5, 1), hours=Decimal("2")),
    ]


def without_record_columns(rows: list[dict]) -> list[dict]:
    kept = [{k: v for k, v in row.items() if k not in RECORD_COLUMNS} for row in rows]
    return sorted(kept, key=lambda row: sorted(row.items()))


def test_an_export_imports_back_unchanged(client_as, manager, varied):
    from engagements.imports import import_engagements
    from engagements.models import Engagement

    client = client_as(manager)  # a manager reads every private note, so the file holds them all
    response = client.get(EXPORT)
    body = b"".join(response.streaming_content)
    exported = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(exported) == 4 and exported[0]["private_notes"]

    Engagement.objects.all().delete()
    report = import_engagements(io.BytesIO(body), user=manager)
    assert report.ok, [report.file_errors, report.errors]
    assert report.imported == 4 and Engagement.objects.count() == 4

    again = read(client.get(EXPORT))
    assert without_record_columns(again) == without_record_columns(exported)


def test_the_api_csv_has_the_exports_columns_where_they_overlap(client_as, manager, varied):
    from lga_portal.api.tokens import api_token_create

    export = {row["id"]: row for row in read(client_as(manager).get(EXPORT))}
    _, key = api_token_create(user=manager, name="tests", days=30)
    api = client_as(manager).get("/api/v1/engagements/", {"format": "csv"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    api_rows = {row["id"]: row for row in read(api)}
    assert set(api_rows) == set(export)
    shared = [column for column in next(iter(export.values())) if column in next(iter(api_rows.values()))]
    assert set(shared) >= {"id", "council", "council_name", "region", "adviser", "kind", "offers", "hours", "summary"}
    for pk, row in export.items():
        assert {c: row[c] for c in shared} == {c: api_rows[pk][c] for c in shared}
