"""CSV export: streamed, UTF-8 with a byte-order mark, one row per engagement, filtered as on screen."""

import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.exports import HEADER
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
    assert list(rows[0]) == list(HEADER)
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(engagement.pk) and row["council_code"] == "E06000001" and row["council"] == "Hartlepool"
    assert row["summary"] == "Café chat, “quoted”" and row["kind"] == "Call" and row["hours"] == "1.5"
    assert row["offers"] == "; ".join(o.title for o in sorted(offers, key=lambda o: (o.theme.order, o.title)))
    assert set(row["roles"].split("; ")) == {r.name for r in roles}
    assert row["adviser_email"] == alice.adviser.email


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
