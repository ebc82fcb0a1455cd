"""Engagements as rows: the one table behind the API's JSON and CSV, the workspace export and the import.

Each column is defined once, here: its name (the API's field and every CSV's header), the
``values()`` lookup it is read from, and where it appears. A column means the same wherever
it appears, so the workspace export and the API's CSV agree where they overlap, and an export
imports back unchanged: the import reads the columns it can take and ignores those the export
adds (ids, names, times).

Rows are read with one projection (a ``values()`` query with the council, region and adviser
joined, and the private notes only as ``with_visible_notes`` lets the reader see them) and
each chunk's roles, offers and themes with one loader (three queries per chunk), so queries
and memory stay flat whatever the number of rows. The CSVs (``csv_table``) take a faster
road to the same cells: tuples instead of dictionaries, one conversion per cell chosen by type. Values are ready for JSON: dates and
times as ISO 8601 text, linked records as lists of slugs, numbers and booleans as they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from engagements.models import Engagement
from engagements.permissions import with_visible_notes
from lga_portal.csv_export import LIST_JOIN, csv_cell, spreadsheet_safe

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


def _instant_in(zone) -> Any:
    """``datetime -> str``: a moment in ISO 8601 in ``zone`` ("Z" for UTC), as the API has always given it."""

    def instant(value: datetime.datetime) -> str:
        text = value.astimezone(zone).isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text

    return instant


def complete(values: list[dict], *, address=None) -> list[dict]:
    """Rows of ``projection()`` as ``{column: value}`` in the API's order, with their linked slugs:
    three queries. ``address(id)`` fills ``url``, which is left out without it.

    Each value is made ready for JSON by a function chosen by its type (dates and times become
    text), looked up once per cell: a page of a thousand rows has twenty thousand cells."""
    links = linked_slugs(row["id"] for row in values)
    ready = {datetime.datetime: _instant_in(timezone.get_current_timezone()), datetime.date: datetime.date.isoformat}
    sources = {c.name: c.source for c in _READ}
    names = [name for name in API_COLUMNS if name != "url" or address is not None]
    rows = []
    for row in values:
        out = {}
        for name in names:
            if name in sources:
                value = row[sources[name]]
                make = ready.get(type(value))
                out[name] = value if make is None else make(value)
            elif name == "url":
                out[name] = address(row["id"])
            else:
                out[name] = links[name].get(row["id"], [])
        rows.append(out)
    return rows


def _chunks(iterator: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Links:
    """The slugs of each engagement's roles, offers and themes for a long stream of rows: the
    linked tables (small) are read once, in their own order, then each chunk's links are read
    from the link tables alone, three queries a chunk without joins."""

    def __init__(self) -> None:
        self.ranked: dict[str, dict[int, tuple[int, str]]] = {}
        for name, (through, target) in LINKS.items():
            model = through._meta.get_field(target).related_model
            ordered = model._base_manager.order_by(*model._meta.ordering, "pk").values_list("pk", "slug")
            self.ranked[name] = {pk: (rank, slug) for rank, (pk, slug) in enumerate(ordered)}

    def slugs(self, ids: list[int]) -> dict[str, dict[int, list[str]]]:
        found: dict[str, dict[int, list[str]]] = {}
        for name, (through, target) in LINKS.items():
            ranked = self.ranked[name]
            linked: dict[int, list[tuple[int, str]]] = {}
            for engagement_id, pk in through.objects.filter(engagement_id__in=ids).values_list(
                "engagement_id", f"{target}_id"
            ):
                linked.setdefault(engagement_id, []).append(ranked[pk])
            found[name] = {
                engagement_id: [slug for _, slug in sorted(items)] for engagement_id, items in linked.items()
            }
        return found


def _cell_makers() -> dict[type, Any]:
    """``type -> function`` giving a value's CSV cell exactly as ``csv_cell()`` of its JSON value (``complete()``)
    does, chosen by the value's type once per cell instead of a chain of checks (a million rows
    have twenty million cells). The time zone is looked up once, not per value."""
    instant = _instant_in(timezone.get_current_timezone())

    return {
        type(None): lambda value: "",
        bool: lambda value: "true" if value else "false",
        int: str,
        Decimal: str,  # a number is never defused (spreadsheet_safe leaves numbers alone)
        str: spreadsheet_safe,
        datetime.date: datetime.date.isoformat,
        datetime.datetime: instant,
        list: csv_cell,
    }


def csv_table(
    queryset: QuerySet, user, names: Sequence[str], *, address=None, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[str]]:
    """The header ``names``, then those columns of every engagement of ``queryset`` as CSV cells,
    read from a server-side cursor ``chunk_size`` rows at a time: the rows of ``complete()`` (the
    API's JSON) through ``csv_cell`` (``address(id)`` fills the API's ``url``), made without a
    dictionary per row. Queries: one for the rows, three for the linked tables, three per chunk."""
    yield list(names)
    position = {c.name: i for i, c in enumerate(_READ)}
    makers = _cell_makers()
    links = _Links()
    picks = []
    for name in names:
        if name in LINKS:
            picks.append(("link", name))
        elif name == "url":
            picks.append(("url", None))
        else:
            picks.append(("value", position[name]))
    values = with_visible_notes(queryset, user).values_list(*(c.source for c in _READ))
    id_at = position["id"]
    # In a transaction, PostgreSQL's server-side cursor streams the rows as they are read;
    # outside one it would be declared WITH HOLD, which stores the whole result on the server
    # before the first row comes. One snapshot, too: the file is the engagements at one moment.
    with transaction.atomic(using=values.db):
        yield from _cells(values, picks, id_at, makers, links, address, chunk_size)


def _cells(values, picks, id_at, makers, links, address, chunk_size) -> Iterator[list[str]]:
    for chunk in _chunks(values.iterator(chunk_size=chunk_size), chunk_size):
        linked = links.slugs([row[id_at] for row in chunk])
        for row in chunk:
            cells = []
            for kind, at in picks:
                if kind == "value":
                    value = row[at]
                    cells.append(makers[type(value)](value))
                elif kind == "link":
                    cells.append(LIST_JOIN.join(map(spreadsheet_safe, linked[at].get(row[id_at], ()))))
                else:
                    cells.append(spreadsheet_safe(address(row[id_at])))
            yield cells


def export_table(queryset: QuerySet, user) -> Iterator[list[str]]:
    """The workspace export: the header, then the cells of each engagement of ``queryset``."""
    return csv_table(queryset, user, EXPORT_COLUMNS)
