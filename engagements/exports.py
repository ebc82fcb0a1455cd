"""CSV export of engagements, streamed: one row per engagement, roles, offers and themes joined.

The queryset must come through ``permissions.with_visible_notes`` so the private-notes column
only ever carries notes the reader may see. Rows are read in chunks (with their roles,
offers and themes prefetched per chunk), so memory stays flat however many rows there are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from engagements.imports import LIST_SEPARATOR

BOM = "\ufeff"  # so Excel opens the file as UTF-8
CHUNK_SIZE = 2_000
# Column names follow the import's where they mean the same, so an export can be re-imported
# after deleting the columns the import does not take (id, council_code, region, adviser_email, ...).
HEADER = (
    "id",
    "council_code",
    "council",
    "region",
    "date",
    "kind",
    "channel",
    "adviser",
    "adviser_email",
    "roles",
    "offers",
    "themes",
    "summary",
    "private_notes",
    "follow_up_on",
    "follow_up_done",
    "hours",
    "status",
    "created_at",
    "modified_at",
)
# Spreadsheets run a cell that starts with one of these as a formula; an apostrophe stops that.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    value = value or ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _joined(items: Iterable) -> str:
    return f"{LIST_SEPARATOR} ".join(_text(str(item)) for item in items)


def _when(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def engagement_rows(queryset: QuerySet) -> Iterator[list[str]]:
    """The header, then one list of cells per engagement of ``queryset`` (annotated with visible_notes)."""
    yield list(HEADER)
    rows = queryset.select_related("council", "council__region", "adviser").prefetch_related(
        "roles", "offers", "themes"
    )
    for engagement in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            str(engagement.pk),
            engagement.council.gss_code,
            _text(engagement.council.name),
            engagement.council.region.name,
            engagement.date.isoformat(),
            engagement.get_kind_display(),
            engagement.get_channel_display(),
            _text(engagement.adviser.name),
            engagement.adviser.email,
            _joined(engagement.roles.all()),
            _joined(engagement.offers.all()),
            _joined(engagement.themes.all()),
            _text(engagement.summary),
            _text(engagement.visible_notes),
            engagement.follow_up_on.isoformat() if engagement.follow_up_on else "",
            "yes" if engagement.follow_up_done else "no",
            "" if engagement.hours is None else f"{engagement.hours.normalize():f}",
            engagement.get_status_display(),
            _when(engagement.created_at),
            _when(engagement.modified_at),
        ]


class _Echo:
    """A file-like object whose write returns the text, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text for ``rows``, line by line, starting with a UTF-8 byte-order mark."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow(row)


def engagements_csv_response(queryset: QuerySet, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(engagement_rows(queryset))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
