"""CSV for API lists: flat columns, streamed row by row, chosen by ``?format=csv`` or ``Accept: text/csv``.

Columns follow the JSON: a nested object's fields become ``parent.field`` columns; a list of
values is one cell joined with "; "; a list of objects gives one column per field
(``audiences.slug``), each joined with "; ". Empty values are empty cells. The file starts
with a UTF-8 byte-order mark so spreadsheets read accents and dashes correctly (pandas and
Python's ``utf-8-sig`` skip it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from lga_portal.csv_export import CONTENT_TYPE, LIST_JOIN, csv_cell, csv_download, csv_lines

CHUNK_ROWS = 1000


def csv_columns(serializer: serializers.BaseSerializer, prefix: str = "") -> list[str]:
    """Column names for a serializer's readable fields, in order."""
    columns = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        column = f"{prefix}{name}"
        if isinstance(field, serializers.ListSerializer) and isinstance(field.child, serializers.Serializer):
            columns.extend(csv_columns(field.child, f"{column}."))
        elif isinstance(field, serializers.Serializer):
            columns.extend(csv_columns(field, f"{column}."))
        else:
            columns.append(column)
    return columns


def _flatten(value, prefix: str, out: dict) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list | tuple):
        if value and all(isinstance(item, dict) for item in value):
            parts: dict[str, list] = {}
            for item in value:
                flat: dict = {}
                _flatten(item, prefix, flat)
                for key, cell in flat.items():
                    parts.setdefault(key, []).append(cell)
            for key, cells in parts.items():
                out[key] = LIST_JOIN.join(cells)
        else:
            out[prefix] = csv_cell(value)
    else:
        out[prefix] = csv_cell(value)


def flatten_row(data: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    _flatten(data, "", out)
    return out


def csv_rows(columns: list[str], rows: Iterable[dict]) -> Iterator[list[str]]:
    """The header, then each row flattened into ``columns``."""
    return chain([columns], ([flat.get(column, "") for column in columns] for flat in map(flatten_row, rows)))


def streaming_csv_response(serializer: serializers.Serializer, queryset, filename: str) -> StreamingHttpResponse:
    """Stream every row of ``queryset`` through ``serializer`` (a single-object instance) as CSV.

    Rows are read in chunks (with their prefetches), so memory stays flat however many there are.
    """
    rows = (serializer.to_representation(obj) for obj in queryset.iterator(chunk_size=CHUNK_ROWS))
    return streaming_csv_rows_response(serializer, rows, filename)


def streaming_csv_rows_response(
    serializer: serializers.Serializer, rows: Iterable[dict], filename: str
) -> StreamingHttpResponse:
    """Stream ``rows``, already in ``serializer``'s representation, as CSV with its columns."""
    return csv_download(csv_rows(csv_columns(serializer), rows), filename)


class CSVRenderer(BaseRenderer):
    """Renders a list of rows (or a page of them) as CSV; lists usually stream instead (see above)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    content_type = CONTENT_TYPE

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict):
            data = data.get("results", [data])
        view = (renderer_context or {}).get("view")
        serializer = view.get_serializer() if view is not None and hasattr(view, "get_serializer") else None
        if serializer is not None:
            columns = csv_columns(serializer)
        else:
            columns = list(flatten_row(data[0])) if data else []
        return "".join(csv_lines(csv_rows(columns, data))).encode("utf-8")
