"""Streamed CSV downloads, shared by the workspace export, the API and the highlights report.

Every CSV the portal serves starts with a UTF-8 byte-order mark (so Excel reads accents and
dashes; pandas and Python's ``utf-8-sig`` skip it), is produced in pieces of about 64 KB (``CHUNK_BYTES``: rows are written into a buffer that is
handed on once it holds that much, so a million rows are some thousands of writes to the
socket, not a million, and memory stays flat however many rows), and defuses cells a
spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation

from django.http import StreamingHttpResponse

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
# A list of values in one cell (the import splits on the semicolon).
LIST_JOIN = "; "
# A cell starting with one of these runs as a formula in a spreadsheet; an apostrophe stops that.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Each piece of a streamed CSV holds at least this much text (the last one may hold less).
CHUNK_BYTES = 64 * 1024


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


def csv_lines(rows: Iterable[Sequence[object]], *, chunk_size: int = CHUNK_BYTES) -> Iterator[str]:
    """CSV text for ``rows`` (the header first) after a byte-order mark, in pieces of at least
    ``chunk_size`` characters (the last may be shorter)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_download(rows: Iterable[Sequence[object]], filename: str) -> StreamingHttpResponse:
    """A streamed CSV attachment of ``rows`` (the header first), in pieces of about 64 KB."""
    return csv_text_download(csv_lines(rows), filename)


def csv_text_download(pieces: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A streamed CSV attachment of text already written as ``csv_lines`` writes it (the byte-order
    mark first), for exports whose lines are made elsewhere (by the database)."""
    response = StreamingHttpResponse((text.encode("utf-8") for text in pieces), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
