"""Large imports: rows checked by the same rules as every engagement write, then saved in bulk a
chunk at a time — links, history and theme events as the services would have written them."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements import imports
from engagements.history import engagement_history
from engagements.imports import import_engagements
from engagements.models import (
    DATE_TOO_FAR_AHEAD,
    Council,
    Engagement,
    EngagementStatus,
    KindSummary,
    SummaryPeriod,
    TakeUpMonth,
    ThemeEvent,
    ThemeEventKind,
)
from engagements.services import engagement_archive
from engagements.summaries import summaries_out_of_step
from engagements.theme_events import theme_events_out_of_step
from offers.models import Offer, Theme
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db

HEADER = "council,date,kind,channel,adviser,roles,offers,themes,summary,private_notes,follow_up_on,follow_up_done,hours,status\n"
COUNCILS = ("E06000001", "E06000002", "E06000003")  # alice's councils
D = datetime.date


@pytest.fixture
def catalogue():
    offers = list(Offer.objects.order_by("slug")[:2])
    themes = list(Theme.objects.order_by("slug")[:2])
    return offers, themes


def rows(n: int, offers, themes, *, first_line: int = 2) -> list[str]:
    """``n`` different, good rows with links of every kind; row i is on line ``first_line + i``."""
    lines = []
    for i in range(n):
        offer, theme = offers[i % 2], themes[i % 2]
        status = "planned" if i % 5 == 4 else "completed"
        lines.append(
            f"{COUNCILS[i % 3]},2024-{i % 12 + 1:02d}-{i % 28 + 1:02d},call,phone,,chief-executive; leader,"
            f"{offer.slug},{theme.slug},Row {i},Note {i},,,{i % 3}.5,{status}\n"
        )
    return lines


def run(text: str, **options):
    return import_engagements(io.BytesIO(text.encode("utf-8")), **options)


def test_a_clean_file_goes_in_with_links_history_and_theme_events(alice, catalogue, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 7)
    monkeypatch.setattr(imports, "SUMMARY_IDS", 4)  # the new engagements added to the summaries 4 at a time
    offers, themes = catalogue
    report = run(HEADER + "".join(rows(30, offers, themes)), user=alice)
    assert report.ok and report.imported == 30 and report.summary() == "Imported 30 engagements from 30 rows."

    engagement = Engagement.objects.get(summary="Row 3")
    assert engagement.created_by == alice and engagement.adviser == alice.adviser
    assert sorted(r.slug for r in engagement.roles.all()) == ["chief-executive", "leader"]
    assert [o.slug for o in engagement.offers.all()] == [offers[1].slug]
    assert [t.slug for t in engagement.themes.all()] == [themes[1].slug]

    # One history entry per engagement, by the importer, holding the links as the page shows them.
    assert Engagement.history.count() == 30
    [logged] = engagement_history(engagement, show_private_notes=True)
    assert logged.action == "Logged" and logged.who == alice.get_full_name()
    changes = {change.label: change.after for change in logged.changes}
    assert changes["Whom it was with"] == "Chief executive, Leader of the council"
    assert changes["Offers"] == offers[1].title and changes["Support needs"] == themes[1].name
    assert changes["Private notes"] == "Note 3"

    # Theme events of the held (completed) engagements only: one raised, one taken up each.
    held = Engagement.objects.held().count()
    assert held == 24
    assert ThemeEvent.objects.filter(kind=ThemeEventKind.RAISED).count() == held
    assert ThemeEvent.objects.filter(kind=ThemeEventKind.TAKEN_UP).count() == held
    assert theme_events_out_of_step() == 0
    # The monthly summaries hold every council-month the file added to, as a recount would.
    assert KindSummary.objects.exists() and summaries_out_of_step() == 0


def test_an_import_adds_to_the_summaries_already_there_as_a_recount_would(alice, monkeypatch, capsys):
    """The file's own counts are added to the council-months' rows (and new rows made for months
    it alone has): the summaries then equal a full recount. Engagements of the same months are
    already there (one with two offers of a theme, one planned, one archived), and the file has
    rows with two offers of one theme (the theme's row counts each engagement once), planned rows
    (not counted) and rows in months nothing else is in."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 4)
    monkeypatch.setattr(imports, "SUMMARY_IDS", 5)
    hartlepool = Council.objects.get(gss_code=COUNCILS[0])
    workforce = list(Offer.objects.filter(theme__slug="workforce").order_by("slug")[:2])
    other = Offer.objects.exclude(theme__slug="workforce").order_by("slug").first()
    month = datetime.date(2024, 3, 1)
    for day, offers, status in (
        (3, workforce, EngagementStatus.COMPLETED),
        (4, workforce[:1], EngagementStatus.COMPLETED),
        (5, workforce, EngagementStatus.PLANNED),
    ):
        EngagementFactory(
            council=hartlepool, adviser=alice.adviser, date=month.replace(day=day), offers=offers, status=status
        )
    engagement_archive(
        engagement=EngagementFactory(council=hartlepool, adviser=alice.adviser, date=D(2024, 3, 6), offers=workforce),
        user=alice,
    )
    assert summaries_out_of_step() == 0
    theme = workforce[0].theme_id
    assert TakeUpMonth.objects.get(council=hartlepool, month=month, theme=theme, offer=None).engagements == 2

    both, first = f'"{workforce[0].slug}; {workforce[1].slug}"', workforce[0].slug
    lines = [
        f"{COUNCILS[0]},2024-03-{10 + i},call,phone,,,{both if i % 2 else first},,Row {i},,,,,completed\n"
        for i in range(6)
    ] + [
        f"{COUNCILS[0]},2024-03-20,call,in_person,,,{both},,Planned,,,,,planned\n",
        f'{COUNCILS[1]},2023-11-02,call,phone,,,"{first}; {other.slug}",,Alone,,,,,completed\n',
        f"{COUNCILS[2]},2024-03-21,call,phone,,,,,No offers,,,,,completed\n",
    ]
    report = run(HEADER + "".join(lines), user=alice)
    assert report.ok and report.imported == 9, report.errors

    call_command("rebuild_summaries", "--check")
    assert "agree with a recount" in capsys.readouterr().out
    assert summaries_out_of_step() == 0
    # Two held before, six of the file's completed rows: each engagement once for the theme.
    assert TakeUpMonth.objects.get(council=hartlepool, month=month, theme=theme, offer=None).engagements == 2 + 6
    assert TakeUpMonth.objects.get(council=hartlepool, month=month, offer=workforce[1]).engagements == 1 + 3
    quarter = KindSummary.objects.get(council=hartlepool, period=SummaryPeriod.QUARTER, start=month.replace(month=1))
    assert quarter.engagements == 2 + 6


def test_one_bad_row_among_many_imports_nothing_and_names_the_row(alice, catalogue, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 10)
    offers, themes = catalogue
    lines = rows(60, offers, themes)
    lines[44] = lines[44].replace("2024-09-17", "2099-09-17")  # line 46, in the fifth chunk
    assert "2099-09-17" in lines[44]
    report = run(HEADER + "".join(lines), user=alice)
    assert [(e.line, e.column, e.message) for e in report.errors] == [(46, "date", DATE_TOO_FAR_AHEAD)]
    assert report.imported == 0
    assert (
        report.summary() == "Nothing was imported: 1 of 60 rows has problems. Correct them and import the file again."
    )
    assert not Engagement.objects.exists() and not Engagement.history.exists() and not ThemeEvent.objects.exists()


def test_a_dry_run_reports_every_bad_row_and_writes_nothing(alice, catalogue, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 10)
    offers, themes = catalogue
    lines = rows(40, offers, themes)
    lines[5] = lines[5].replace("call,phone", "call,pigeon")  # line 7
    lines[33] = lines[33].replace("Note 33", "Note\x0033")  # line 35
    report = run(HEADER + "".join(lines), user=alice, dry_run=True)
    assert [(e.line, e.column) for e in report.errors] == [(7, "channel"), (35, "private_notes")]
    assert report.errors[1].message == imports.NUL_CHARACTER
    assert report.created == 38 and report.imported == 0
    assert not Engagement.objects.exists()


def test_a_nul_byte_in_a_late_chunk_imports_nothing(alice, catalogue, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 10)
    offers, themes = catalogue
    lines = rows(40, offers, themes)
    lines[37] = lines[37].replace("Row 37", "Row\x0037")  # line 39
    report = run(HEADER + "".join(lines), user=alice)
    assert [(e.line, e.column, e.message) for e in report.errors] == [(39, "summary", imports.NUL_CHARACTER)]
    assert not Engagement.objects.exists() and not Engagement.history.exists()


def test_a_second_run_of_the_same_file_adds_nothing(alice, catalogue, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 8)
    offers, themes = catalogue
    text = HEADER + "".join(rows(30, offers, themes))
    assert run(text, user=alice).imported == 30
    events = ThemeEvent.objects.count()
    again = run(text, user=alice)
    assert again.ok and again.created == 0 and again.already_imported == 30
    assert Engagement.objects.count() == 30 and Engagement.history.count() == 30
    assert ThemeEvent.objects.count() == events
    # A file with some rows seen before adds only the others.
    extra = "E06000001,2025-01-02,call,phone,,,,,A new row,,,,,\n"
    third = run(text + extra, user=alice)
    assert third.created == 1 and third.already_imported == 30


def _queries(text: str, **options) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = run(text, **options)
    assert report.ok, report.errors
    return len(queries)


def test_the_queries_per_chunk_are_fixed_whatever_its_size(alice, catalogue, monkeypatch):
    """Two chunks of 5 rows, then two chunks of 20 (kept within one SQLite insert batch): the same
    queries. A third chunk adds exactly one chunk's worth."""
    offers, themes = catalogue
    lines = rows(100, offers, themes)
    monkeypatch.setattr(imports, "CHUNK_ROWS", 5)
    small = _queries(HEADER + "".join(lines[:10]), user=alice)
    monkeypatch.setattr(imports, "CHUNK_ROWS", 20)
    large = _queries(HEADER + "".join(lines[10:50]), user=alice)
    assert small == large
    three = _queries(HEADER + "".join(lines[50:110]), user=alice)
    per_chunk = three - large
    # The rows seen before, the engagements and their history, then per kind of link (roles, offers,
    # themes) its rows and their history; and the savepoint of the bulk write. The theme events and
    # the monthly summaries are written once for the file, after the last chunk (a lock on the
    # councils, then two queries and four).
    # PostgreSQL takes the chunk's ids from the sequence first, then writes the rows with COPY.
    reserve_ids = 1 if connection.vendor == "postgresql" else 0
    assert per_chunk == 1 + 2 + 6 + 2 + reserve_ids
    # A dry run reads the rows seen before and nothing else.
    monkeypatch.setattr(imports, "CHUNK_ROWS", 5)
    dry_two = _queries(HEADER + "".join(rows(10, offers, themes)).replace("Row", "Dry"), dry_run=True)
    dry_three = _queries(HEADER + "".join(rows(15, offers, themes)).replace("Row", "Dry"), dry_run=True)
    assert dry_three - dry_two == 1


def test_values_are_stored_as_written_whatever_their_characters(alice):
    """Tabs, line breaks and backslashes in a value, empty and missing values: stored as read."""
    text = HEADER + (
        'E06000001,2024-03-04,call,phone,,,,,"Tab\there, back\\slash\nnext line\r\nand \\N",,,,,\n'
        "E06000002,2024-03-05,visit,in person,,,,,,Only a note,2024-03-06,yes,1.25,planned\n"
    )
    assert run(text, user=alice).imported == 2
    first, second = Engagement.objects.order_by("date")
    assert first.summary == "Tab\there, back\\slash\nnext line\r\nand \\N" and first.private_notes == ""
    assert first.hours is None and first.follow_up_on is None and first.follow_up_done is False
    assert first.created_at is not None and first.modified_at is not None and first.version == 1
    assert second.summary == "" and second.private_notes == "Only a note" and str(second.hours) == "1.25"
    assert second.follow_up_done is True and second.status == "planned" and second.kind == "visit"
    # The history records the row as stored.
    assert [(h.summary, h.modified_at) for h in Engagement.history.filter(id=first.pk)] == [
        (first.summary, first.modified_at)
    ]
