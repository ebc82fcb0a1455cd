"""Engagements as rows: the one table behind the API's JSON and CSV, the workspace export and the import.

Each column is defined once, here: its name (the API's field and every CSV's header), the
``values()`` lookup it is read from, and where it appears. A column means the same wherever
it appears, so the workspace export and the API's CSV agree where they overlap, and an export
imports back unchanged: the import reads the columns it can take and ignores those the export
adds (ids, names, times).

Rows are read with one projection (a ``values()`` query with the council, region and adviser
joined, and the private notes only as ``with_visible_notes`` lets the reader see them) and
each chunk's roles, offers and themes with one loader (three queries per chunk), so queries
and memory stay flat whatever the number of rows. Values are ready for JSON: dates and
times as ISO 8601 text, linked records as lists of slugs, numbers and booleans as they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from engagements.models import Engagement
from engagements.permissions import with_visible_notes
from lga_portal.csv_export import csv_cell

CHUNK_SIZE = 2_000


@dataclass(frozen=True)
class Column:
    name: str
    source: str | None  # the values() lookup; None for the API's address and the linked records
    api: bool = True  # in the API's JSON and CSV
    export: bool = True  # in the workspace's CSV export
    importable: bool = False  # read by the import (the export's other columns are ignored there)


COLUMNS = (
    Column("id", "id"),
    Column("url", None, export=False),  # the engagement's address in the API, which the API fills in
    Column("council", "council__gss_code", importable=True),
    Column("council_name", "council__name"),
    Column("region", "council__region__slug"),
    Column("adviser", "adviser_id", importable=True),
    Column("adviser_name", "adviser__name"),
    Column("adviser_email", "adviser__email", api=False),
    Column("date", "date", importable=True),
    Column("kind", "kind", importable=True),
    Column("channel", "channel", importable=True),
    Column("status", "status", importable=True),
    Column("roles", None, importable=True),
    Column("offers", None, importable=True),
    Column("themes", None, importable=True),
    Column("summary", "summary", importable=True),
    # Never the stored notes: only those the reader may see.
    Column("private_notes", "visible_notes", importable=True),
    Column("follow_up_on", "follow_up_on", importable=True),
    Column("follow_up_done", "follow_up_done", importable=True),
    Column("hours", "hours", importable=True),
    Column("version", "version", export=False),
    Column("archived_at", "archived_at", export=False),
    Column("created_at", "created_at"),
    Column("modified_at", "modified_at"),
)
API_COLUMNS = tuple(c.name for c in COLUMNS if c.api)
EXPORT_COLUMNS = tuple(c.name for c in COLUMNS if c.export)
IMPORT_COLUMNS = tuple(c.name for c in COLUMNS if c.importable)
# Each many-to-many: its link model and the linked model's field on it. Rows list the slugs.
LINKS = {
    "roles": (Engagement.roles.through, "contactrole"),
    "offers": (Engagement.offers.through, "offer"),
    "themes": (Engagement.themes.through, "theme"),
}
_READ = tuple(c for c in COLUMNS if c.source is not None)


def projection(queryset: QuerySet, user) -> QuerySet:
    """The rows' columns for the engagements of ``queryset`` (filtered and ordered), as ``user`` may read them."""
    return with_visible_notes(queryset, user).values(*(c.source for c in _READ))


def linked_slugs(ids: Iterable[int]) -> dict[str, dict[int, list[str]]]:
    """The slugs of the roles, offers and themes of the engagements ``ids``, by engagement id: three
    queries. Each list is in the linked model's own order, as the engagement's relations give it."""
    ids = list(ids)
    found: dict[str, dict[int, list[str]]] = {}
    for name, (through, target) in LINKS.items():
        model = through._meta.get_field(target).related_model
        ordering = [f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}" for o in model._meta.ordering]
        by_engagement: dict[int, list[str]] = {}
        if ids:
            links = through.objects.filter(engagement_id__in=ids).order_by(*ordering, f"{target}__pk")
            for engagement_id, slug in links.values_list("engagement_id", f"{target}__slug"):
                by_engagement.setdefault(engagement_id, []).append(slug)
        found[name] = by_engagement
    return found


def _instant(value: datetime.datetime) -> str:
    """A moment in ISO 8601, in the portal's time zone ("Z" for UTC), as the API has always given it."""
    text = timezone.localtime(value).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return _instant(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def complete(values: list[dict]) -> list[dict]:
    """Rows of ``projection()`` as ``{column: value}``, with their linked slugs: three queries."""
    links = linked_slugs(row["id"] for row in values)
    rows = []
    for row in values:
        out = {c.name: _json_ready(row[c.source]) for c in _READ}
        for name in LINKS:
            out[name] = links[name].get(row["id"], [])
        rows.append(out)
    return rows


def _chunks(iterator: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(iterator, size)):
        yield chunk


def stream(queryset: QuerySet, user, *, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """Every row of ``queryset``, read from a server-side cursor ``chunk_size`` at a time."""
    values = projection(queryset, user).iterator(chunk_size=chunk_size)
    for chunk in _chunks(values, chunk_size):
        yield from complete(chunk)


def export_table(queryset: QuerySet, user) -> Iterator[list[str]]:
    """The workspace export: the header, then the cells of each engagement of ``queryset``."""
    yield list(EXPORT_COLUMNS)
    for row in stream(queryset, user):
        yield [csv_cell(row[name]) for name in EXPORT_COLUMNS]
