"""Reading new survey rounds from a CSV file, and every reason to refuse one.

The file has one row per round. The first columns describe the round; every other column
is a measure of the survey, named by its slug or its name as published::

    round,label,period,fieldwork_start,fieldwork_end,sample_size,trusts-council,well-informed
    28,Feb-21,2021-02-01,2021-02-05,2021-02-08,1003,66,62

``round``, ``label`` and ``period`` are required (``period`` is a date in the month of the
fieldwork; it is stored as the first of that month); fieldwork dates and sample size may be
left empty, and so may a measure not asked in that round. Percentages may end with "%". The file is checked completely
before anything is written: ``parse_rounds_csv`` returns every problem it finds, and
``metrics.services.survey_rounds_import`` writes nothing unless there are none.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from metrics.models import Measure, Survey

MAX_FILE_BYTES = 1_000_000
MAX_ROUNDS = 200
ROUND_COLUMNS = ("round", "label", "period", "fieldwork_start", "fieldwork_end", "sample_size")
REQUIRED_COLUMNS = ("round", "label", "period")

# Error messages: shown on the upload page, printed by the management command, imported by tests.
FILE_EMPTY = "The file is empty."
NO_ROUNDS = "The file has a header row but no rounds."
FILE_TOO_LARGE = "The file must be smaller than 1 MB."
FILE_NOT_UTF8 = "The file must be a CSV file saved as UTF-8."
FILE_NOT_CSV = "The file could not be read as CSV: {error}."
TOO_MANY_ROUNDS = "The file has more than {limit} rounds; split it into smaller files."
MISSING_COLUMNS = "The header row must include the column(s): {columns}."
NO_MEASURE_COLUMNS = "The header row has no measure columns; add one column per measure."
UNKNOWN_MEASURE = 'Column "{column}" is not a measure of {survey}. Its measures are: {measures}.'
DUPLICATE_MEASURE = 'Columns "{first}" and "{second}" are the same measure.'
BLANK_COLUMN = "Column {number} of the header row has no name."
ROW_LENGTH = "Row {row}: it has {found} values but the header has {expected} columns."
ROUND_INVALID = 'Row {row}: round must be a whole number, like 28, not "{value}".'
ROUND_DUPLICATE_IN_FILE = "Row {row}: round {number} is also on row {first_row}."
ROUND_EXISTS = "Row {row}: round {number} of {survey} already exists; change it in the admin instead."
LABEL_MISSING = 'Row {row}: enter a label for the round, like "Feb-21".'
LABEL_TOO_LONG = "Row {row}: the label must be 40 characters or fewer."
DATE_INVALID = 'Row {row}: {column} must be a date in the format YYYY-MM-DD, like 2021-02-01, not "{value}".'
DATE_MISSING = "Row {row}: enter the period as a date in the format YYYY-MM-DD, like 2021-02-01."
FIELDWORK_REVERSED = "Row {row}: fieldwork_end must be on or after fieldwork_start."
SAMPLE_SIZE_INVALID = 'Row {row}: sample_size must be a whole number above 0, not "{value}".'
PERCENT_INVALID = 'Row {row}, {measure}: "{value}" is not a number.'
PERCENT_OUT_OF_RANGE = "Row {row}, {measure}: {value} is not a percentage between 0 and 100."
PERCENT_TOO_PRECISE = "Row {row}, {measure}: {value} has more than two decimal places."
ROW_WITHOUT_FIGURES = "Row {row}: round {number} has no figures."


@dataclass(frozen=True)
class ParsedRound:
    """A round read from the file, not yet saved."""

    row: int
    number: int
    label: str
    period: datetime.date
    fieldwork_start: datetime.date | None
    fieldwork_end: datetime.date | None
    sample_size: int | None
    results: dict[Measure, Decimal]


@dataclass
class ParsedFile:
    rounds: list[ParsedRound] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors


def _key(text: str) -> str:
    """Column names match measures loosely: case, spaces and the kind of apostrophe don't matter."""
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\ufeff", "")).strip().casefold()


def decode(content: bytes) -> tuple[str | None, str | None]:
    """The file's text, or an error message."""
    if not content.strip():
        return None, FILE_EMPTY
    if len(content) > MAX_FILE_BYTES:
        return None, FILE_TOO_LARGE
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, FILE_NOT_UTF8


def _date(value: str) -> datetime.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(value)
    return datetime.date.fromisoformat(value)


def parse_rounds_csv(survey: Survey, content: bytes) -> ParsedFile:
    """Read and check a rounds file for ``survey``; every problem is listed, none is fatal early.

    Two queries: the survey's measures and its existing round numbers.
    """
    parsed = ParsedFile()
    text, error = decode(content)
    if error:
        parsed.errors.append(error)
        return parsed
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        parsed.errors.append(FILE_NOT_CSV.format(error=exc))
        return parsed
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        parsed.errors.append(FILE_EMPTY)
        return parsed

    header = [cell.strip() for cell in rows[0]]
    measures = list(survey.measures.order_by("order", "name"))
    by_key: dict[str, Measure] = {}
    for measure in measures:
        by_key[_key(measure.slug)] = measure
        by_key[_key(measure.name)] = measure
    known_rounds = set(survey.rounds.values_list("number", flat=True))

    columns = [_key(name) for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        parsed.errors.append(MISSING_COLUMNS.format(columns=", ".join(missing)))
    measure_columns: dict[int, Measure] = {}
    seen: dict[Measure, str] = {}
    for index, (name, key) in enumerate(zip(header, columns, strict=True)):
        if key in ROUND_COLUMNS:
            continue
        if not key:
            parsed.errors.append(BLANK_COLUMN.format(number=index + 1))
            continue
        measure = by_key.get(key)
        if measure is None:
            parsed.errors.append(
                UNKNOWN_MEASURE.format(
                    column=name, survey=survey.name, measures=", ".join(m.slug for m in measures) or "none"
                )
            )
        elif measure in seen:
            parsed.errors.append(DUPLICATE_MEASURE.format(first=seen[measure], second=name))
        else:
            seen[measure] = name
            measure_columns[index] = measure
    if all(key in ROUND_COLUMNS for key in columns):
        parsed.errors.append(NO_MEASURE_COLUMNS)
    if len(rows) - 1 > MAX_ROUNDS:
        parsed.errors.append(TOO_MANY_ROUNDS.format(limit=MAX_ROUNDS))
        return parsed
    if missing:
        return parsed

    position = {key: columns.index(key) for key in ROUND_COLUMNS if key in columns}
    first_row_of: dict[int, int] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            parsed.errors.append(ROW_LENGTH.format(row=row_number, found=len(row), expected=len(header)))
            continue
        cell = {key: row[i].strip() for key, i in position.items()}
        errors_before = len(parsed.errors)

        number = None
        try:
            number = int(cell["round"])
            if number < 1:
                raise ValueError
        except ValueError:
            parsed.errors.append(ROUND_INVALID.format(row=row_number, value=cell["round"]))
            number = None
        if number is not None:
            if number in first_row_of:
                parsed.errors.append(
                    ROUND_DUPLICATE_IN_FILE.format(row=row_number, number=number, first_row=first_row_of[number])
                )
            else:
                first_row_of[number] = row_number
            if number in known_rounds:
                parsed.errors.append(ROUND_EXISTS.format(row=row_number, number=number, survey=survey.name))

        label = cell["label"]
        if not label:
            parsed.errors.append(LABEL_MISSING.format(row=row_number))
        elif len(label) > 40:
            parsed.errors.append(LABEL_TOO_LONG.format(row=row_number))

        dates: dict[str, datetime.date | None] = {}
        for column in ("period", "fieldwork_start", "fieldwork_end"):
            value = cell.get(column, "")
            if not value:
                dates[column] = None
                if column == "period":
                    parsed.errors.append(DATE_MISSING.format(row=row_number))
                continue
            try:
                dates[column] = _date(value)
            except ValueError:
                dates[column] = None
                parsed.errors.append(DATE_INVALID.format(row=row_number, column=column, value=value))
        if dates["fieldwork_start"] and dates["fieldwork_end"] and dates["fieldwork_end"] < dates["fieldwork_start"]:
            parsed.errors.append(FIELDWORK_REVERSED.format(row=row_number))

        sample_size = None
        if cell.get("sample_size"):
            try:
                sample_size = int(cell["sample_size"].replace(",", ""))
                if sample_size < 1:
                    raise ValueError
            except ValueError:
                parsed.errors.append(SAMPLE_SIZE_INVALID.format(row=row_number, value=cell["sample_size"]))
                sample_size = None

        results: dict[Measure, Decimal] = {}
        for index, measure in measure_columns.items():
            value = row[index].strip().removesuffix("%").strip()
            if not value:
                continue
            try:
                percent = Decimal(value)
                if not percent.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                parsed.errors.append(PERCENT_INVALID.format(row=row_number, measure=measure.name, value=value))
                continue
            if not Decimal(0) <= percent <= Decimal(100):
                parsed.errors.append(PERCENT_OUT_OF_RANGE.format(row=row_number, measure=measure.name, value=value))
            elif percent.as_tuple().exponent < -2:
                parsed.errors.append(PERCENT_TOO_PRECISE.format(row=row_number, measure=measure.name, value=value))
            else:
                results[measure] = percent
        if not results and len(parsed.errors) == errors_before and measure_columns:
            parsed.errors.append(ROW_WITHOUT_FIGURES.format(row=row_number, number=number))

        if len(parsed.errors) == errors_before:
            parsed.rounds.append(
                ParsedRound(
                    row=row_number,
                    number=number,
                    label=label,
                    period=dates["period"].replace(day=1),
                    fieldwork_start=dates["fieldwork_start"],
                    fieldwork_end=dates["fieldwork_end"],
                    sample_size=sample_size,
                    results=results,
                )
            )
    if len(rows) == 1 and not parsed.errors:
        parsed.errors.append(NO_ROUNDS)
    return parsed


def template_csv(survey: Survey) -> str:
    """A header row (and an example row) for ``survey``'s rounds file."""
    measures = list(survey.measures.order_by("order", "name").values_list("slug", flat=True))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*ROUND_COLUMNS, *measures])
    return buffer.getvalue()
