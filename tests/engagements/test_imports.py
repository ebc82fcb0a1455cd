"""Importing engagements from CSV: the parser, the command and the managers' upload page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from engagements import imports
from engagements.imports import (
    BAD_DATE,
    MISSING_COLUMNS,
    NO_ADVISER,
    NOT_UTF8,
    TOO_LARGE,
    TOO_MANY_ROWS,
    UNKNOWN_COLUMNS,
    UNKNOWN_COUNCIL,
    WRONG_VALUE_COUNT,
    import_engagements,
)
from engagements.models import FOLLOW_UP_BEFORE_DATE, HOURS_NEGATIVE, Council, Engagement

pytestmark = pytest.mark.django_db

HEADER = "council,date,kind,channel,adviser,roles,offers,themes,summary,private_notes,follow_up_on,follow_up_done,hours,status\n"
GOOD_ROWS = (
    "E06000001,2025-03-27,Call,Phone,,Chief executive; Leader of the council,,Financial resilience,Budget call,Keep an eye,2025-04-10,no,,Completed\n"
    "Middlesbrough,28/03/2025,coaching session,video,,,,,Coaching,,,,1.5,\n"
    'Redcar and Cleveland,2025-03-29,visit,in person,,,,,"A visit, with a comma\nand a second line",,,,,planned\n'
)


def run(text: str, **options):
    return import_engagements(io.BytesIO(text.encode("utf-8")), **options)


def test_a_clean_file_imports_every_row_in_one_go(alice):
    report = run(HEADER + GOOD_ROWS, user=alice)
    assert report.ok and report.created == 3 and report.imported == 3
    assert report.summary() == "Imported 3 engagements from 3 rows."
    call = Engagement.objects.get(council__gss_code="E06000001")
    assert call.adviser == alice.adviser  # the council's principal adviser
    assert sorted(r.slug for r in call.roles.all()) == ["chief-executive", "leader"]
    assert [t.slug for t in call.themes.all()] == ["financial-resilience"]
    assert call.private_notes == "Keep an eye" and call.created_by == alice
    assert call.history.get().history_user == alice
    coaching = Engagement.objects.get(council__gss_code="E06000002")
    assert str(coaching.hours) == "1.50" and coaching.kind == "coaching" and coaching.channel == "video"
    visit = Engagement.objects.get(council__gss_code="E06000003")
    assert visit.summary == "A visit, with a comma\nand a second line" and visit.status == "planned"


def test_importing_the_same_file_twice_does_not_duplicate(alice):
    assert run(HEADER + GOOD_ROWS).created == 3
    again = run(HEADER + GOOD_ROWS)
    assert again.ok and again.created == 0 and again.already_imported == 3
    assert Engagement.objects.count() == 3
    assert "3 already imported" in again.summary()


def test_identical_rows_in_one_file_are_both_kept_once(alice):
    row = "E06000001,2025-03-27,Call,Phone,,,,,,,,,,\n"
    assert run(HEADER + row + row).created == 2
    assert run(HEADER + row + row).created == 0
    assert run(HEADER + row + row + row).created == 1
    assert Engagement.objects.count() == 3


def test_a_dry_run_reports_and_imports_nothing(alice):
    report = run(HEADER + GOOD_ROWS, dry_run=True)
    assert report.ok and report.created == 3 and report.imported == 0
    assert report.summary().startswith("No problems found in 3 rows: 3 engagements would be imported")
    assert not Engagement.objects.exists()


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(alice):
    allerdale = Council.objects.get(gss_code="E07000026")
    no_adviser = Council.objects.filter(adviser__isnull=True, is_active=True).order_by("gss_code").first()
    text = (
        HEADER
        + "E06000001,2025-03-27,Call,Phone,,,,,good row,,,,,\n"  # line 2
        + "Atlantis,2025-03-27,Call,Phone,,,,,,,,,,\n"  # line 3
        + "E06000002,2025-02-30,Call,Phone,,,,,,,,,,\n"  # line 4
        + "E06000002,2025-03-27,Chat,Fax,,Pope,no-such-offer,,,,,maybe,lots,\n"  # line 5
        + "E06000002,2025-03-27,Call,Phone,,,,,,,2025-03-01,,,\n"  # line 6
        + "E06000002,2025-03-27,Call,Phone,,,,,,,,,-2,\n"  # line 7
        + f"{allerdale.gss_code},2024-01-10,Call,Phone,Alice Adviser,,,,,,,,,\n"  # line 8
        + f"{no_adviser.gss_code},2024-01-10,Call,Phone,,,,,,,,,,\n"  # line 9
        + "E06000002,2025-03-27\n"  # line 10
        + ",,,,,,,,,,,,,\n"  # a blank spreadsheet row: ignored
    )
    report = run(text)
    assert not report.ok and report.imported == 0
    assert not Engagement.objects.exists()
    by_line = {}
    for error in report.errors:
        by_line.setdefault(error.line, []).append((error.column, error.message))
    assert 2 not in by_line
    assert by_line[3] == [("council", UNKNOWN_COUNCIL.format(value="Atlantis"))]
    assert by_line[4] == [("date", BAD_DATE.format(value="2025-02-30"))]
    assert [column for column, _ in by_line[5]] == ["kind", "channel", "roles", "offers", "hours", "follow_up_done"]
    assert by_line[6] == [("follow_up_on", FOLLOW_UP_BEFORE_DATE)]
    assert by_line[7] == [("hours", HOURS_NEGATIVE)]
    assert by_line[8] == [
        (
            "council",
            "Allerdale was abolished on 1 April 2023 and replaced by Cumberland; choose Cumberland for later engagements.",
        )
    ]
    assert by_line[9] == [("adviser", NO_ADVISER.format(council=no_adviser))]
    assert by_line[10] == [("", WRONG_VALUE_COUNT.format(found=2, expected=14))]
    assert report.rows == 9 and report.bad_lines == 8
    assert (
        report.summary() == "Nothing was imported: 8 of 9 rows have problems. Correct them and import the file again."
    )


def test_a_row_with_several_problems_reports_them_all(alice):
    report = run(HEADER + "Atlantis,2025-03-27,Call,Phone,,,,,,,2025-03-01,,-1,\n")
    assert [(e.line, e.column) for e in report.errors] == [(2, "council"), (2, "follow_up_on"), (2, "hours")]


def test_line_numbers_count_lines_of_the_file_including_multi_line_cells(alice):
    text = (
        HEADER + 'E06000001,2025-03-27,Call,Phone,,,,,"two\nlines",,,,,\n' + "Nowhere,2025-03-27,Call,Phone,,,,,,,,,,\n"
    )
    assert [e.line for e in run(text).errors] == [4]


def test_wrong_columns_are_reported_before_any_row():
    report = run("council,when,kind,colour\nE06000001,2025-03-27,Call,red\n")
    assert report.file_errors == [
        MISSING_COLUMNS.format(columns="date, channel"),
        UNKNOWN_COLUMNS.format(columns="when, colour", expected=", ".join(imports.COLUMNS)),
    ]
    assert report.summary().startswith("Nothing was imported: ")


def test_a_file_that_is_not_utf8_is_refused_with_advice():
    text = (HEADER + "E06000001,2025-03-27,Call,Phone,,,,,Café visit,,,,,\n").encode("cp1252")
    report = import_engagements(io.BytesIO(text))
    assert report.file_errors == [NOT_UTF8.format(line=2)]
    assert not Engagement.objects.exists()


def test_a_byte_order_mark_and_excel_style_lines_are_fine(alice):
    text = "\ufeff" + (HEADER + GOOD_ROWS).replace("\n", "\r\n")
    assert run(text).created == 3


def test_empty_and_header_only_files():
    assert run("").file_errors == [imports.EMPTY_FILE]
    assert run(HEADER).file_errors == [imports.NO_ROWS]


def test_the_row_limit():
    rows = "E06000001,2025-03-27,Call,Phone,,,,,,,,,,\n" * 4
    assert run(HEADER + rows, row_limit=3).file_errors == [TOO_MANY_ROWS.format(limit=3)]


def test_an_exported_formula_guard_is_removed_on_import(alice):
    run(HEADER + "E06000001,2025-03-27,Call,Phone,,,,,'=SUM(A1),,,,,\n")
    assert Engagement.objects.get().summary == "=SUM(A1)"


# --- The command ---------------------------------------------------------------------------------


def test_the_command_imports_and_reports(tmp_path, alice, capsys):
    path = tmp_path / "engagements.csv"
    path.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    call_command("import_engagements", str(path), "--dry-run")
    assert "3 engagements would be imported" in capsys.readouterr().out
    assert not Engagement.objects.exists()
    call_command("import_engagements", str(path), "--user", "alice")
    assert "Imported 3 engagements" in capsys.readouterr().out
    assert Engagement.objects.filter(created_by=alice).count() == 3


def test_the_command_lists_bad_rows_and_fails(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "Nowhere,2025-03-27,Call,Phone,,,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_engagements", str(path))
    assert "line 2, council: " + UNKNOWN_COUNCIL.format(value="Nowhere") in capsys.readouterr().err
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_engagements", str(tmp_path / "missing.csv"))


def test_the_command_takes_large_files(tmp_path, alice, settings):
    """Beyond the page's limit: the command has none (100,000 rows work the same way, only slower)."""
    rows = "".join(
        f"E06000001,{2000 + n // 365}-{n % 12 + 1:02d}-{n % 28 + 1:02d},Call,Phone,,,,,row {n},,,,,\n"
        for n in range(imports.PAGE_ROW_LIMIT // 20)
    )
    path = tmp_path / "large.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    call_command("import_engagements", str(path), "--dry-run")
    assert not Engagement.objects.exists()


# --- The upload page ------------------------------------------------------------------------------

IMPORT_PAGE = reverse("workspace:engagement_import")


def upload(client, text: str | bytes, action: str = "check"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(IMPORT_PAGE, {"file": SimpleUploadedFile("engagements.csv", data, "text/csv"), "action": action})


def test_a_manager_checks_then_imports_a_file(client_as, manager, alice):
    client = client_as(manager)
    response = upload(client, HEADER + GOOD_ROWS)
    assert "No problems found in 3 rows: 3 engagements would be imported." in response.content.decode()
    assert not Engagement.objects.exists()
    response = upload(client, HEADER + GOOD_ROWS, action="import")
    assert "Imported 3 engagements from 3 rows." in response.content.decode()
    assert Engagement.objects.filter(created_by=manager).count() == 3


def test_the_page_reports_bad_rows_by_line(client_as, manager, alice):
    response = upload(client_as(manager), HEADER + GOOD_ROWS + "Atlantis,2025-03-27,Call,Phone,,,,,,,,,,\n", "import")
    html = response.content.decode()
    assert "There is a problem with the file" in html and "<title>Error: Import engagements" in html
    assert response.context["report"].errors[0].line == 6
    assert UNKNOWN_COUNCIL.format(value="Atlantis").replace("'", "&#x27;") in html
    assert not Engagement.objects.exists()


def test_the_page_refuses_large_files_with_a_pointer_to_the_command(client_as, manager, monkeypatch):
    client = client_as(manager)
    monkeypatch.setattr(imports, "PAGE_SIZE_LIMIT", 1024 * 1024)
    big = HEADER + "E06000001,2025-03-27,Call,Phone,,,,,,,,,,\n" * 30_000
    response = upload(client, big)
    assert TOO_LARGE.format(limit=1) in response.content.decode().replace("&#x27;", "'")
    many = HEADER + "E06000001,2025-03-27,Call,Phone,,,,,,,,,,\n" * (imports.PAGE_ROW_LIMIT + 1)
    monkeypatch.setattr(imports, "PAGE_SIZE_LIMIT", 10 * 1024 * 1024)
    response = upload(client, many)
    assert "python manage.py import_engagements FILE" in response.content.decode()
    assert response.context["report"].file_errors == [TOO_MANY_ROWS.format(limit=imports.PAGE_ROW_LIMIT)]
    assert not Engagement.objects.exists()


def test_the_page_needs_a_file_and_survives_rubbish(client_as, manager):
    client = client_as(manager)
    response = client.post(IMPORT_PAGE, {"action": "check"})
    assert "Choose a CSV file to upload." in response.content.decode()
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert response.status_code == 200 and not response.context["report"].ok


def test_advisers_cannot_import(client_as, alice):
    assert upload(client_as(alice), HEADER + GOOD_ROWS, "import").status_code == 403
    assert not Engagement.objects.exists()


# --- NUL characters, which PostgreSQL refuses to store ---------------------------------------------

NUL_ROWS = (
    "E06000001,2025-03-27,Call,Phone,,,,,Budget\x00call,,,,,\n"  # line 2: in a text cell
    "E0600\x000002,2025-03-28,Call,Phone,,,,,,Notes\x00,,,,\n"  # line 3: in the council and the notes
)


def test_a_nul_character_is_reported_by_row_and_column_and_nothing_is_imported(alice):
    report = run(HEADER + NUL_ROWS + GOOD_ROWS)
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (2, "summary", imports.NUL_CHARACTER),
        (3, "council", imports.NUL_CHARACTER),
        (3, "private_notes", imports.NUL_CHARACTER),
    ]
    assert (
        report.summary() == "Nothing was imported: 2 of 5 rows have problems. Correct them and import the file again."
    )
    assert not Engagement.objects.exists()


def test_a_header_with_nul_characters_is_a_file_saved_as_utf16(alice):
    text = HEADER.replace(",", "\x00,")
    assert run(text + GOOD_ROWS).file_errors == [imports.NUL_IN_HEADER]


def test_the_command_reports_a_nul_character_and_imports_nothing(tmp_path, alice, capsys):
    path = tmp_path / "nul.csv"
    path.write_text(HEADER + NUL_ROWS, encoding="utf-8")
    for options in (["--dry-run"], []):
        with pytest.raises(CommandError, match="Nothing was imported: 2 of 2 rows have problems"):
            call_command("import_engagements", str(path), *options)
        err = capsys.readouterr().err
        assert f"line 2, summary: {imports.NUL_CHARACTER}" in err
        assert f"line 3, private_notes: {imports.NUL_CHARACTER}" in err
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("action", ["check", "import"])
def test_the_page_reports_a_nul_character_by_line_and_column(client_as, manager, alice, action):
    response = upload(client_as(manager), HEADER + GOOD_ROWS + NUL_ROWS.replace("2025-03-2", "2025-04-0"), action)
    assert response.status_code == 200
    errors = [(e.line, e.column) for e in response.context["report"].errors]
    assert errors == [(6, "summary"), (7, "council"), (7, "private_notes")]
    html = response.content.decode()
    assert "There is a problem with the file" in html and imports.NUL_CHARACTER in html
    assert "\x00" not in html
    assert not Engagement.objects.exists()
