"""Importing engagements from a CSV file that an adviser kept in a spreadsheet.

Each row is parsed here (council by GSS code or name, dates, kinds by value or label, …)
and then checked by ``services.engagement_validate``, the rules every engagement write is
checked by (the workspace form, the API), so no rule lives here. Rows are read, checked and
saved a chunk at a time (``CHUNK_ROWS``), each chunk's new engagements, links and history in
bulk (``services.engagements_bulk_create``): a fixed number of queries per chunk, whatever its
size. The whole file goes in one transaction: if any row is bad, or on a dry run, nothing is
kept and the report lists every bad row with its line number and reason. Each row's
fingerprint is stored in ``Engagement.import_key``, so importing the same file again adds
nothing (one query per chunk finds the rows imported before).

The theme events and the monthly summaries are brought up to date once, after the last chunk:
every council the file added to is locked, then the new engagements' events are written and their
own counts added to the summary rows (``theme_events.theme_events_add``,
``summaries.summaries_add``, in as few batches as the database takes). An import only inserts
engagements, and every summary figure is a count each engagement adds to alone, so this gives
what a recount of the council-months would, without reading the engagements already there (a
file spread over every council and five years touches most of the million). Nothing outside the
import's transaction sees the summaries in between.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from engagements.models import (
    Adviser,
    Channel,
    ContactRole,
    Council,
    Engagement,
    EngagementKind,
    EngagementStatus,
)
from engagements.rows import EXPORT_COLUMNS, IMPORT_COLUMNS
from engagements.services import ENGAGEMENT_FIELDS, engagement_new, engagement_validate, engagements_bulk_create
from engagements.summaries import lock_councils, summaries_add
from engagements.theme_events import theme_events_add
from lga_portal import page_cache
from offers.models import Offer, Theme

# The columns the import reads, and those of the workspace export it ignores (ids, names, times):
# an export imports back as it is (engagements/rows.py defines them all).
COLUMNS = IMPORT_COLUMNS
IGNORED_COLUMNS = tuple(name for name in EXPORT_COLUMNS if name not in IMPORT_COLUMNS)
REQUIRED_COLUMNS = ("council", "date", "kind", "channel")
# The order the row fingerprints were first computed in: kept, so that a file imported before
# is still recognised when imported again.
FINGERPRINT_COLUMNS = (
    "council",
    "date",
    "kind",
    "channel",
    "adviser",
    "roles",
    "offers",
    "themes",
    "summary",
    "private_notes",
    "follow_up_on",
    "follow_up_done",
    "hours",
    "status",
)
LIST_SEPARATOR = ";"
# Uploads through the web page stay small enough to answer quickly; larger files use the command.
PAGE_ROW_LIMIT = 5_000
PAGE_SIZE_LIMIT = 2 * 1024 * 1024
CHUNK_ROWS = 1_000
# New engagements added to the summaries by one ``summaries_add`` (its queries list their ids). The
# fewer the batches, the fewer times one summary row is updated (a file spread over every council
# touches most rows in every batch); SQLite takes ten thousand, well within its limit of parameters.
SUMMARY_IDS = 250_000
SUMMARY_IDS_SQLITE = 10_000

NOT_UTF8 = (
    "The file is not UTF-8 text (line {line}). In your spreadsheet, save it as "
    "“CSV UTF-8 (comma delimited)” and upload it again."
)
NOT_CSV = "The file could not be read as CSV: {error}."
NUL_IN_HEADER = (
    "The header row contains NUL characters (zero bytes), as a file saved as “Unicode text” (UTF-16) does. "
    "In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and upload it again."
)
EMPTY_FILE = "The file is empty: it needs a header row and at least one row of engagements."
NO_ROWS = "The file has a header row but no engagements."
MISSING_COLUMNS = "The header row is missing the required column(s): {columns}."
UNKNOWN_COLUMNS = "The header row has column(s) the import does not know: {columns}. The columns are: {expected}."
REPEATED_COLUMNS = "The header row names a column more than once: {columns}."
TOO_MANY_ROWS = (
    "The file has more than {limit:,} rows, too many to import here. "
    "Import large files with the command: python manage.py import_engagements FILE"
)
TOO_LARGE = (
    "The file is larger than {limit} MB, too large to import here. "
    "Import large files with the command: python manage.py import_engagements FILE"
)
WRONG_VALUE_COUNT = "The row has {found} values but the header has {expected} columns."
VALUE_REQUIRED = "Enter a value: this column is required."
UNKNOWN_COUNCIL = "Unknown council “{value}”: use the council's GSS code (for example E06000001) or its exact name."
UNKNOWN_ADVISER = "Unknown principal adviser “{value}”: use their email address, exact name or id."
NO_ADVISER = "{council} has no principal adviser: give one in the adviser column."
BAD_DATE = "“{value}” is not a date: use YYYY-MM-DD or DD/MM/YYYY, for example 2025-03-27."
UNKNOWN_CHOICE = "Unknown {what} “{value}”: use one of {choices}."
UNKNOWN_ITEMS = "Unknown {what}: {values}."
BAD_HOURS = "“{value}” is not a number of hours: use a number, for example 1.5."
BAD_YES_NO = "“{value}” is not yes or no."
NUL_CHARACTER = (
    "The value contains a NUL character (a zero byte), which cannot be stored: remove it, or save the "
    "file again from your spreadsheet."
)

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y")
YES = {"yes", "y", "true", "1", "done"}
NO = {"no", "n", "false", "0", ""}
# A leading apostrophe the export adds to stop spreadsheets running formulas.
FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")


@dataclass(frozen=True)
class RowError:
    line: int  # line of the file where the row starts (the header is line 1)
    column: str  # "" when about the whole row
    message: str


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    created: int = 0  # saved (or, on a dry run or a failed import, that would have been)
    already_imported: int = 0
    file_errors: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors

    @property
    def imported(self) -> int:
        """Engagements actually saved."""
        return self.created if self.ok and not self.dry_run else 0

    @property
    def bad_lines(self) -> int:
        return len({e.line for e in self.errors})

    def summary(self) -> str:
        if self.file_errors:
            return "Nothing was imported: " + " ".join(self.file_errors)
        if self.errors:
            return (
                f"Nothing was imported: {self.bad_lines:,} of {_rows(self.rows)} {_have(self.bad_lines)} problems. "
                "Correct them and import the file again."
            )
        skipped = f" {self.already_imported:,} already imported, left as they were." if self.already_imported else ""
        if self.dry_run:
            return f"No problems found in {_rows(self.rows)}: {_engagements(self.created)} would be imported.{skipped}"
        return f"Imported {_engagements(self.created)} from {_rows(self.rows)}.{skipped}"


def _rows(n: int) -> str:
    return f"{n:,} row{'' if n == 1 else 's'}"


def _engagements(n: int) -> str:
    return f"{n:,} engagement{'' if n == 1 else 's'}"


def _have(n: int) -> str:
    return "has" if n == 1 else "have"


def _choice_lookup(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
        lookup[value.replace("_", " ").lower()] = value
    return lookup


def _by_names(rows: Iterable[Any], *attributes: str) -> dict[str, Any]:
    """Case-insensitive lookup of objects by each of ``attributes``; ambiguous names map to None."""
    lookup: dict[str, Any] = {}
    for obj in rows:
        for attribute in attributes:
            key = str(getattr(obj, attribute) or "").strip().lower()
            if not key:
                continue
            lookup[key] = None if key in lookup and lookup[key] is not obj else obj
    return lookup


class Lookups:
    """Everything a row refers to, loaded once: a handful of queries for the whole file."""

    def __init__(self) -> None:
        self.councils = _by_names(Council.objects.select_related("adviser"), "gss_code", "name", "slug")
        # By id as well, as the export and the API give it.
        self.advisers = _by_names(Adviser.objects.all(), "email", "name", "pk")
        self.roles = _by_names(ContactRole.objects.all(), "slug", "name")
        self.offers = _by_names(Offer.objects.select_related("theme"), "slug", "title")
        self.themes = _by_names(Theme.objects.all(), "slug", "name")
        self.kinds = _choice_lookup(EngagementKind.choices)
        self.channels = _choice_lookup(Channel.choices)
        self.statuses = _choice_lookup(EngagementStatus.choices)


def _clean(value: str) -> str:
    value = value.strip()
    return FORMULA_GUARD.sub("", value) if value.startswith("'") else value


def _date(value: str) -> datetime.date:
    # The usual form, read without strptime (which costs more than the rest of a row): what it
    # cannot read is left to the formats below, as before.
    if len(value) == 10 and value[4] == value[7] == "-" and value.isascii():
        year, month, day = value[:4], value[5:7], value[8:]
        if year.isdigit() and month.isdigit() and day.isdigit():
            try:
                return datetime.date(int(year), int(month), int(day))
            except ValueError:
                pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(BAD_DATE.format(value=value))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def parse_row(cells: dict[str, str], lookups: Lookups) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The ``engagement_create`` values for one row, and its problems as (column, message)."""
    values: dict[str, Any] = {}
    # The database refuses a NUL character (PostgreSQL with an error), so such a cell is reported
    # and read no further.
    unreadable = [column for column, cell in cells.items() if "\x00" in (cell or "")]
    errors: list[tuple[str, str]] = [(column, NUL_CHARACTER) for column in unreadable]

    def get(column: str) -> str:
        return "" if column in unreadable else _clean(cells.get(column) or "")

    for column in REQUIRED_COLUMNS:
        if column not in unreadable and not get(column):
            errors.append((column, VALUE_REQUIRED))

    if council_name := get("council"):
        council = lookups.councils.get(council_name.lower())
        if council is None:
            errors.append(("council", UNKNOWN_COUNCIL.format(value=council_name)))
        else:
            values["council"] = council

    if adviser_name := get("adviser"):
        adviser = lookups.advisers.get(adviser_name.lower())
        if adviser is None:
            errors.append(("adviser", UNKNOWN_ADVISER.format(value=adviser_name)))
        else:
            values["adviser"] = adviser
    elif "council" in values:
        if values["council"].adviser is None:
            errors.append(("adviser", NO_ADVISER.format(council=values["council"])))
        else:
            values["adviser"] = values["council"].adviser

    for column in ("date", "follow_up_on"):
        if text := get(column):
            try:
                values[column] = _date(text)
            except ValueError as error:
                errors.append((column, str(error)))

    for column, lookup, what, choices in (
        ("kind", lookups.kinds, "kind", EngagementKind),
        ("channel", lookups.channels, "channel", Channel),
        ("status", lookups.statuses, "status", EngagementStatus),
    ):
        if text := get(column):
            if text.lower() in lookup:
                values[column] = lookup[text.lower()]
            else:
                listed = ", ".join(str(label) for label in choices.labels)
                errors.append((column, UNKNOWN_CHOICE.format(what=what, value=text, choices=listed)))
    values.setdefault("status", EngagementStatus.COMPLETED)

    for column, lookup, what in (
        ("roles", lookups.roles, "role(s)"),
        ("offers", lookups.offers, "offer(s)"),
        ("themes", lookups.themes, "theme(s)"),
    ):
        names = _split(get(column))
        found = [lookup.get(name.lower()) for name in names]
        unknown = [name for name, obj in zip(names, found, strict=True) if obj is None]
        if unknown:
            errors.append((column, UNKNOWN_ITEMS.format(what=what, values=", ".join(f"“{u}”" for u in unknown))))
        elif found:
            values[column] = list(dict.fromkeys(found))

    if text := get("hours"):
        try:
            values["hours"] = Decimal(text.replace(",", "."))
            if not values["hours"].is_finite():
                raise InvalidOperation
        except InvalidOperation:
            values.pop("hours", None)
            errors.append(("hours", BAD_HOURS.format(value=text)))

    done = get("follow_up_done").lower()
    if done in YES:
        values["follow_up_done"] = True
    elif done not in NO:
        errors.append(("follow_up_done", BAD_YES_NO.format(value=get("follow_up_done"))))

    values["summary"] = get("summary")
    values["private_notes"] = get("private_notes")
    return values, errors


def _rule_problems(values: dict[str, Any], problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The model's rules broken by what could be read of a row that will not reach the service,
    so that the report gives every problem of the row at once."""
    reported = {column for column, _ in problems}
    plain = {name: value for name, value in values.items() if name in ENGAGEMENT_FIELDS and value is not None}
    try:
        Engagement(**plain).clean()
    except ValidationError as error:
        return [
            (column, message)
            for column, messages in error.message_dict.items()
            if column not in reported
            for message in dict.fromkeys(messages)
        ]
    return []


def _fingerprint_basis(values: dict[str, Any]) -> str:
    """What the fingerprint of a parsed row is made from (``_key``): the same row gives the same text."""
    parts = []
    for column in FINGERPRINT_COLUMNS:
        value = values.get(column)
        if isinstance(value, list):
            value = ",".join(sorted(str(getattr(v, "pk", v)) for v in value))
        elif hasattr(value, "pk"):
            value = value.pk
        parts.append(f"{column}={'' if value is None else value}")
    return "\x1f".join(parts)


def _key(basis: str, occurrence: int) -> str:
    """A stable key for a parsed row: the same row in the same file gives the same key.

    ``occurrence`` tells apart rows that are identical within one file (two calls
    logged the same way on one day), so they are both kept, once.
    """
    return hashlib.sha256(f"{basis}\x1foccurrence={occurrence}".encode()).hexdigest()


def _service_errors(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            ("" if column == "__all__" else column, message)
            for column, messages in error.message_dict.items()
            for message in dict.fromkeys(messages)
        ]
    return [("", message) for message in dict.fromkeys(error.messages)]


class _DecodeError(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _lines(binary: IO[bytes]) -> Iterator[str]:
    """Decoded lines of ``binary`` (UTF-8, with or without a byte-order mark)."""
    first = True
    for number, raw in enumerate(binary, start=1):
        if first and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        first = False
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _DecodeError(number) from error


def _records(reader: Iterator[list[str]], lines: Callable[[], int]) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for each non-blank record."""
    start = lines() + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = lines() + 1


def import_engagements(
    binary: IO[bytes],
    *,
    user=None,
    dry_run: bool = False,
    row_limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check, and unless ``dry_run`` import, the engagements in a CSV file (bytes)."""
    report = ImportReport(dry_run=dry_run)
    reader_lines = _lines(binary)
    reader = csv.reader(reader_lines)
    try:
        with transaction.atomic():
            _import(reader, report, user=user, row_limit=row_limit, progress=progress, write=not dry_run)
            if not report.ok or dry_run:
                transaction.set_rollback(True)
    except _DecodeError as error:
        report.file_errors.append(NOT_UTF8.format(line=error.line))
    except csv.Error as error:
        report.file_errors.append(NOT_CSV.format(error=error))
    return report


def _header(reader, report: ImportReport) -> list[str] | None:
    try:
        header = next(reader)
    except StopIteration:
        report.file_errors.append(EMPTY_FILE)
        return None
    if any("\x00" in name for name in header):
        report.file_errors.append(NUL_IN_HEADER)
        return None
    names = [_clean(name).lower().replace(" ", "_") for name in header]
    repeated = [name for name, count in Counter(names).items() if count > 1 and name]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    unknown = [name or "(blank)" for name in names if name not in COLUMNS and name not in IGNORED_COLUMNS]
    if repeated:
        report.file_errors.append(REPEATED_COLUMNS.format(columns=", ".join(repeated)))
    if missing:
        report.file_errors.append(MISSING_COLUMNS.format(columns=", ".join(missing)))
    if unknown:
        report.file_errors.append(UNKNOWN_COLUMNS.format(columns=", ".join(unknown), expected=", ".join(COLUMNS)))
    return None if report.file_errors else names


@dataclass
class _Added:
    engagements: list[int] = field(default_factory=list)
    councils: set[int] = field(default_factory=set)


def _import(reader, report: ImportReport, *, user, row_limit: int | None, progress, write: bool) -> None:
    header = _header(reader, report)
    if header is None:
        return
    records = _records(reader, lambda: reader.line_num)
    if row_limit is not None:
        records = list(records)
        if len(records) > row_limit:
            report.file_errors.append(TOO_MANY_ROWS.format(limit=row_limit))
            return
    lookups = Lookups()
    occurrences: Counter[str] = Counter()
    added = _Added()  # the engagements written, and their councils
    adviser = header.index("adviser") if "adviser" in header else None
    chunk: list[tuple[int, dict[str, Any], str]] = []
    for line, cells in records:
        report.rows += 1
        if len(cells) != len(header):
            report.errors.append(RowError(line, "", WRONG_VALUE_COUNT.format(found=len(cells), expected=len(header))))
            continue
        values, problems = parse_row(dict(zip(header, cells, strict=True)), lookups)
        if problems:
            problems += _rule_problems(values, problems)
            report.errors.extend(RowError(line, column, message) for column, message in problems)
            continue
        # The adviser as written, not as defaulted from the council: a later change of a
        # council's adviser must not make an old file look new.
        basis = _fingerprint_basis({**values, "adviser": _clean(cells[adviser]).lower() if adviser is not None else ""})
        occurrences[basis] += 1
        chunk.append((line, values, _key(basis, occurrences[basis])))
        if len(chunk) >= CHUNK_ROWS:
            _save(chunk, report, user, write=write, added=added)
            chunk = []
            if progress:
                progress(report.rows)
    _save(chunk, report, user, write=write, added=added)
    if report.rows == 0:
        report.file_errors.append(NO_ROWS)
    if write and report.ok:
        _derived_rows(added)


def _save(
    chunk: list[tuple[int, dict[str, Any], str]], report: ImportReport, user, *, write: bool, added: _Added
) -> None:
    """Validate the chunk's new rows as every engagement write is validated, then save them in bulk.

    Rows imported before are recognised by their key, with one query for the chunk. Once any
    row is bad (or on a dry run) nothing more is written, as all will be rolled back, but every
    row is still checked so that the report lists them all. A chunk costs the same number of
    queries whatever its size (pinned in the tests).
    """
    if not chunk:
        return
    existing = set(
        Engagement.objects.filter(import_key__in=[key for _, _, key in chunk]).values_list("import_key", flat=True)
    )
    new = []
    for line, values, key in chunk:
        if key in existing:
            report.already_imported += 1
            continue
        engagement, links = engagement_new(user=user, import_key=key, **values)
        try:
            # The council, adviser and user were read once for the whole file (``Lookups``).
            engagement_validate(engagement, related_loaded=True)
        except ValidationError as error:
            report.errors.extend(RowError(line, column, message) for column, message in _service_errors(error))
            continue
        new.append((engagement, links))
        report.created += 1
    if write and report.ok and new:
        added.engagements.extend(engagements_bulk_create(new, user=user))
        added.councils.update(engagement.council_id for engagement, _ in new)


def _derived_rows(added: _Added) -> None:
    """Write what the per-engagement services would have kept true for the engagements the import
    inserted in bulk, once for the file: their theme events, and their counts added to the monthly
    summaries, ``SUMMARY_IDS`` engagements a batch. Every council the file added to is locked
    first, in id order, as every recount locks them, and held to the end of the import's
    transaction: a recount by another write waits, then counts the imported engagements too, and
    one that committed before is what the counts are added to. Saves in bulk send no signals, so
    the public pages' take-up is marked changed here too."""
    lock_councils(added.councils)
    ids = added.engagements
    batch = min(SUMMARY_IDS, SUMMARY_IDS_SQLITE) if connection.vendor == "sqlite" else SUMMARY_IDS
    for start in range(0, len(ids), batch):
        theme_events_add(engagement_ids=ids[start : start + batch])
        summaries_add(ids[start : start + batch])
    page_cache.bump(page_cache.ENGAGEMENTS)


EXAMPLE_ROW = {
    "council": "E06000001",
    "date": "2025-03-27",
    "kind": "Call",
    "channel": "Phone",
    "roles": "Chief executive",
    "themes": "Financial resilience",
    "summary": "Budget pressures and the LGA finance offer.",
    "follow_up_on": "2025-04-10",
    "follow_up_done": "no",
    "status": "Completed",
}


def example_csv() -> str:
    """A small example file, as documented in the README and offered on the import page."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE_ROW.get(column, "") for column in COLUMNS])
    return out.getvalue()
