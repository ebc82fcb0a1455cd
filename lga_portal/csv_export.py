"""Streamed CSV downloads, shared by the workspace export, the API and the highlights report.

Every CSV the portal serves starts with a UTF-8 byte-order mark (so Excel reads accents and
dashes; pandas and Python's ``utf-8-sig`` skip it), is produced a line at a time (memory stays
flat however many rows), and defuses cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation

from django.http import StreamingHttpResponse

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
# A list of values in one cell (the import splits on the semicolon).
LIST_JOIN = "; "
# A cell starting with one of these runs as a formula in a spreadsheet; an apostrophe stops that.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def spreadsheet_safe(text: str) -> str:
    """``text`` with an apostrophe in front if a spreadsheet would run it (numbers such as -7 stay)."""
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def csv_cell(value) -> str:
    """One value as a cell: empty for none, ``true``/``false``, a list joined with "; ", text defused."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_JOIN.join(csv_cell(item) for item in value)
    return spreadsheet_safe(str(value))


class _Echo:
    """A file-like object whose write returns the text, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV text for ``rows`` (the header first), a line at a time, after a byte-order mark."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow(row)


def csv_download(rows: Iterable[Sequence[object]], filename: str) -> StreamingHttpResponse:
    """A streamed CSV attachment of ``rows`` (the header first)."""
    response = StreamingHttpResponse((line.encode("utf-8") for line in csv_lines(rows)), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
