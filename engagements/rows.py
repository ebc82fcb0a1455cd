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

The CSVs (``csv_table``) take a faster road to the same cells: tuples instead of
dictionaries, one conversion per cell chosen by type. The exports' text (``csv_text``) goes
faster still on PostgreSQL, where the database writes each line's value cells
(``rows_sql``): the same bytes, which a test checks on awkward values. An export of most of
the engagements is copied out of the database in one statement, the link tables aggregated
whole and joined (``rows_sql.whole_export_sql``); a smaller one reads a chunk at a time and
looks up each chunk's links, which costs less than aggregating every link.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import queue
import re
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import BooleanField, F, Func, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from engagements import rows_sql
from engagements.models import Engagement
from engagements.permissions import with_visible_notes
from lga_portal.csv_export import BOM, CHUNK_BYTES, FORMULA_STARTS, LIST_JOIN, csv_cell, csv_lines, spreadsheet_safe

CHUNK_SIZE = 2_000
# Characters that make csv.writer quote a cell.
_CSV_SPECIALS = (",", '"', "\r", "\n")


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


# What a person reads of each linked model: its name.
LINK_NAMES = {"roles": "name", "offers": "title", "themes": "name"}


def linked_values(ids: Iterable[int], columns: dict[str, str] | None = None) -> dict[str, dict[int, list[str]]]:
    """The slugs (or the ``columns`` named, such as ``LINK_NAMES``) of the roles, offers and themes
    of the engagements ``ids``, by engagement id: three queries. Each list is in the linked model's
    own order, as the engagement's relations give it. Cheaper than prefetching the relations: no
    model instances, no related managers."""
    ids = list(ids)
    columns = columns or {}
    found: dict[str, dict[int, list[str]]] = {}
    for name, (through, target) in LINKS.items():
        model = through._meta.get_field(target).related_model
        ordering = [f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}" for o in model._meta.ordering]
        by_engagement: dict[int, list[str]] = {}
        if ids:
            links = _of_engagements(through.objects.all(), ids).order_by(*ordering, f"{target}__pk")
            column = columns.get(name, "slug")
            for engagement_id, slug in links.values_list("engagement_id", f"{target}__{column}"):
                by_engagement.setdefault(engagement_id, []).append(slug)
        found[name] = by_engagement
    return found


def _of_engagements(links: QuerySet, ids: list[int]) -> QuerySet:
    """``links`` (rows of a link table) of the engagements ``ids``. On PostgreSQL the ids go as one
    array: in an ``IN`` list the ORM prepares each of a page's thousand ids as a parameter of its own."""
    if connections[links.db].vendor == "postgresql":
        column = f'"{links.model._meta.db_table}"."engagement_id"'
        return links.filter(RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField()))
    return links.filter(engagement_id__in=ids)


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
    links = linked_values(row["id"] for row in values)
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
    """The cells of each engagement's roles, offers and themes for a long stream of rows: the
    linked tables (small) are read once, in their own order, each slug made spreadsheet-safe
    once; then each chunk's links are read from the link tables alone, three queries a chunk
    without joins, or (on PostgreSQL, within ``prepared()``) one query that returns the cells joined."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.ranked: dict[str, dict[int, tuple[int, str]]] = {}
        for name, (through, target) in LINKS.items():
            model = through._meta.get_field(target).related_model
            ordered = model._base_manager.using(using).order_by(*model._meta.ordering, "pk").values_list("pk", "slug")
            self.ranked[name] = {pk: (rank, spreadsheet_safe(slug)) for rank, (pk, slug) in enumerate(ordered)}
        # Whether a cell of links could need quoting in a CSV (a slug with a comma, quote or line end).
        self.plain = not any(
            any(mark in slug for mark in _CSV_SPECIALS)
            for ranked in self.ranked.values()
            for _, slug in ranked.values()
        )
        # On PostgreSQL, where no slug needs defusing, the database joins each chunk's cells.
        self.in_database = connections[using].vendor == "postgresql" and all(
            spreadsheet_safe(slug) == slug for ranked in self.ranked.values() for _, slug in ranked.values()
        )
        self.statement: str | None = None

    @contextmanager
    def prepared(self) -> Iterator[None]:
        """Within (in a transaction), each chunk's links are read by one prepared statement with
        one generic plan: planned once instead of once a chunk, and for a chunk's worth of ids,
        where the plan for the ids at hand hashed the whole catalogue to join a few hundred offers."""
        if not self.in_database:
            yield
            return
        connection = connections[self.using]
        name = f"engagement_link_cells_{uuid.uuid4().hex}"
        sql = rows_sql.link_cells_sql(LINKS, connection)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute(f"PREPARE {name}(text, bigint[]) AS {sql}")
        self.statement = name
        try:
            yield
        finally:
            self.statement = None
            # A prepared statement outlives the transaction; it goes with the export. (In a
            # transaction an error has aborted, it goes when the connection closes.)
            with suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute(f"DEALLOCATE {name}")

    def cells(self, ids: list[int]) -> dict[str, dict[int, str]]:
        """``{link name: {engagement id: cell}}`` for the engagements ``ids`` (none: no entry)."""
        if self.statement is not None:
            names = list(LINKS)
            joined: dict[str, dict[int, str]] = {name: {} for name in names}
            with connections[self.using].cursor() as cursor:
                cursor.execute(f"EXECUTE {self.statement}(%s, %s)", [LIST_JOIN, ids])
                for engagement_id, position, cell in cursor.fetchall():
                    joined[names[position]][engagement_id] = cell
            return joined
        found: dict[str, dict[int, str]] = {}
        for name, (through, target) in LINKS.items():
            ranked = self.ranked[name]
            linked: dict[int, list[tuple[int, str]]] = {}
            links = _of_engagements(through.objects.using(self.using), ids)
            for engagement_id, pk in links.values_list("engagement_id", f"{target}_id"):
                linked.setdefault(engagement_id, []).append(ranked[pk])
            found[name] = {
                engagement_id: LIST_JOIN.join(slug for _, slug in sorted(items))
                for engagement_id, items in linked.items()
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


def _picks(names: Sequence[str]) -> list[tuple[str, Any]]:
    position = {c.name: i for i, c in enumerate(_READ)}
    return [
        ("link", name) if name in LINKS else ("url", None) if name == "url" else ("value", position[name])
        for name in names
    ]


def csv_table(
    queryset: QuerySet, user, names: Sequence[str], *, address=None, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[str]]:
    """The header ``names``, then those columns of every engagement of ``queryset`` as CSV cells,
    read from a server-side cursor ``chunk_size`` rows at a time: the rows of ``complete()`` (the
    API's JSON) through ``csv_cell`` (``address(id)`` fills the API's ``url``), made without a
    dictionary per row. Queries: one for the rows, three for the linked tables, three per chunk."""
    yield list(names)
    links = _Links(queryset.db)
    values = with_visible_notes(queryset, user).values_list(*(c.source for c in _READ))
    # In a transaction, PostgreSQL's server-side cursor streams the rows as they are read;
    # outside one it would be declared WITH HOLD, which stores the whole result on the server
    # before the first row comes. One snapshot, too: the file is the engagements at one moment.
    with transaction.atomic(using=values.db), links.prepared():
        for chunk in _chunks(values.iterator(chunk_size=chunk_size), chunk_size):
            yield from _cells(
                chunk, _picks(names), _cell_makers(), links.cells([row[_ID_AT] for row in chunk]), address
            )


_ID_AT = next(i for i, c in enumerate(_READ) if c.name == "id")


def _cells(chunk, picks, makers, linked, address) -> Iterator[list[str]]:
    for row in chunk:
        cells = []
        for kind, at in picks:
            if kind == "value":
                value = row[at]
                cells.append(makers[type(value)](value))
            elif kind == "link":
                cells.append(linked[at].get(row[_ID_AT], ""))
            else:
                cells.append(spreadsheet_safe(address(row[_ID_AT])))
        yield cells


def _line(cells: Sequence[str]) -> str:
    """``cells`` as a line of CSV, as ``csv_lines`` writes it."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def csv_text(
    queryset: QuerySet, user, names: Sequence[str], *, address=None, chunk_size: int = CHUNK_SIZE
) -> Iterator[str]:
    """The CSV file of ``csv_table()``: a byte-order mark, the header, a line per engagement, in
    pieces of at least ``CHUNK_BYTES`` characters (as ``csv_lines`` gives it). On PostgreSQL the
    database writes the lines' value cells (``rows_sql``); the text is the same either way."""
    lines = _database_lines(queryset, user, names, address, chunk_size)
    if lines is None:
        return csv_lines(csv_table(queryset, user, names, address=address, chunk_size=chunk_size))
    return _pieces(lines)


def _pieces(lines: Iterator[str]) -> Iterator[str]:
    pending, size = [BOM], len(BOM)
    for line in lines:
        pending.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield "".join(pending)
            pending, size = [], 0
    if size:
        yield "".join(pending)


# A value no address contains, to find where the id goes in the API's addresses.
_MARK = "\x00"


def _database_lines(queryset: QuerySet, user, names: Sequence[str], address, chunk_size: int) -> Iterator[str] | None:
    """The header, then each engagement's CSV line, its value cells written by PostgreSQL; None
    elsewhere (or for a time zone or address the SQL cannot write), where Python makes them."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    zone = getattr(timezone.get_current_timezone(), "key", "")
    values = with_visible_notes(queryset, user)
    url = None
    if address is not None:
        before, mark, after = address(_MARK).partition(_MARK)
        if not mark or before.startswith(FORMULA_STARTS):
            return None
        url = Concat(Value(before), Cast("id", TextField()), Value(after), output_field=TextField())
    sources = {c.name: c.source for c in _READ}
    parts: list[tuple[str, Any]] = []  # ("sql", annotation) for a run of value columns, ("link", name)
    runs: list[list] = []
    for name in names:
        if name in LINKS:
            parts.append(("link", name))
            continue
        if not parts or parts[-1][0] != "sql":
            runs.append([])
            parts.append(("sql", len(runs)))  # its column in the rows of the lines, after the id
        runs[-1].append(url if name == "url" else sources[name])
    annotations, flags = {}, []
    for number, lookups in enumerate(runs, start=1):
        made = rows_sql.cells_sql(values, lookups, zone)
        if made is None:
            return None
        annotations[f"csv_cells_{number}"], flag = made
        flags.append(flag)
    formula_like = Func(*flags, template="(%(expressions)s)", arg_joiner=" OR ", output_field=BooleanField())
    links = _Links(queryset.db)
    if not links.plain:
        return None
    if links.in_database and _reads_whole_tables(values):
        lookups = [url if name == "url" else sources[name] for name in names if name not in LINKS]
        whole = _whole_export(values, names, parts, annotations, formula_like, lookups, zone)
        if whole is not None:
            return whole
    lines = values.annotate(**annotations, csv_formula_like=formula_like).values_list(
        "id", *annotations, "csv_formula_like"
    )
    return _database_stream(values, lines, names, parts, links, address, chunk_size)


# An export of at least this share of the engagements reads the link tables whole: aggregating
# them all takes about as long as looking up the links of 40% of the engagements chunk by chunk.
WHOLE_TABLES_SHARE = 0.4


def _reads_whole_tables(values: QuerySet) -> bool:
    """Whether ``values`` holds enough of the engagements, by the planner's estimates (two queries),
    for its export to aggregate the link tables whole."""
    if values.query.is_empty():
        return False
    with connections[values.db].cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Engagement._meta.db_table])
        (engagements,) = cursor.fetchone()
    plan = values.explain(format="json")
    estimate = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
    return estimate >= WHOLE_TABLES_SHARE * max(engagements, 0)


def _whole_export(values, names, parts, annotations, formula_like, lookups, zone) -> Iterator[str] | None:
    """The header, then the lines of a large export (``rows_sql.whole_export_sql``), copied out of
    PostgreSQL in one statement; None for an ordering the copy cannot repeat (an expression, random)."""
    query = values.query
    ordering = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if query.extra_order_by or not ordering or not all(isinstance(o, str) and o != "?" for o in ordering):
        return None
    raw, text_at = rows_sql.raw_cells_sql(values, lookups, zone)
    orders = {f"csv_order_{n}": F(o.removeprefix("-")) for n, o in enumerate(ordering)}
    inner = (
        values.order_by()
        .annotate(
            csv_id=F("id"),
            **annotations,
            csv_formula_like=formula_like,
            csv_raw=Func(
                formula_like,
                raw,
                template="CASE WHEN %(expressions)s END",
                arg_joiner=" THEN ",
                output_field=TextField(),
            ),
            **orders,
        )
        .values("csv_id", *annotations, "csv_formula_like", "csv_raw", *orders)
    )
    connection = connections[values.db]
    sql, params = inner.query.sql_with_params()
    sql, joined = rows_sql.whole_export_sql(sql, parts, LINKS, [o.startswith("-") for o in ordering], connection)
    return _copied_lines(
        values.db, names, sql, (*params, *(LIST_JOIN for _ in joined)), _finisher(names, text_at, joined)
    )


def _finisher(names: Sequence[str], text_at: list[bool], joined: list[str]):
    """``text -> line``: the line of a row the database left to Python (``@`` and a JSON array of its
    raw cells, then its link cells), its text made spreadsheet-safe as the Python cells do."""

    def finish(text: str) -> str:
        raw, *linked = json.loads(text[1:])
        values = iter(zip(raw, text_at, strict=True))
        cells = []
        for name in names:
            if name in LINKS:
                cells.append(linked[joined.index(name)])
            else:
                value, text = next(values)
                cells.append(spreadsheet_safe(value) if text else value)
        return _line(cells)

    return finish


COPY_WORK_MEM = "64MB"


def _copied_lines(using: str, names: Sequence[str], sql: str, params, finish) -> Iterator[str]:
    yield _line(names)
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The link cells of every engagement are hashed to be joined: in memory rather than in
        # batches spilled to disk (a million engagements' roles take some 60 MB), for this copy only.
        cursor.execute(f"SET LOCAL work_mem = '{COPY_WORK_MEM}'")
        copy = f"COPY ({cursor.cursor.mogrify(sql, params).decode()}) TO STDOUT"
        logged = cursor.debug_sql(copy) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
        with logged:
            for piece in _copy_out(connection, cursor.cursor, copy):
                yield _copied_text(piece, finish)


# COPY's text format: each row on a line of its own, a backslash before these in the values.
_UNESCAPED = {b"\\": b"\\", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v"}
_ESCAPE = re.compile(rb"\\(.)", re.DOTALL)


def _copied_text(piece: bytes, finish) -> str:
    """Rows of COPY's text format as CSV lines (``\\r\\n`` at their ends)."""
    if b"\\" not in piece and b"\n@" not in piece and not piece.startswith(b"@"):
        return piece.replace(b"\n", b"\r\n").decode()
    lines = []
    for row in piece.split(b"\n")[:-1]:
        if b"\\" in row:
            row = _ESCAPE.sub(lambda match: _UNESCAPED[match[1]], row)
        text = row.decode()
        lines.append(finish(text) if text.startswith("@") else text + "\r\n")
    return "".join(lines)


_DONE = object()


def _copy_out(connection, cursor, copy: str) -> Iterator[bytes]:
    """The output of ``copy`` (a COPY ... TO STDOUT) in pieces of at least ``CHUNK_BYTES``, whole
    rows each. psycopg2 writes a copy's rows into a file as they come, so the copy runs in a
    thread of its own and hands its pieces over through a short queue: memory stays flat, and
    (unlike a cursor's) a copy's query may be planned for PostgreSQL's parallel workers. If the
    reader stops early, the copy is cancelled."""
    pieces: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()

    class Sink:
        def __init__(self) -> None:
            self.rows: list[bytes] = []
            self.size = 0

        def write(self, data: bytes) -> None:
            self.rows.append(data)
            self.size += len(data)
            if self.size >= CHUNK_BYTES:
                self.flush()

        def flush(self) -> None:
            if self.rows and not stop.is_set():
                pieces.put(b"".join(self.rows))
            self.rows, self.size = [], 0

    def run() -> None:
        sink = Sink()
        try:
            cursor.copy_expert(copy, sink)
            sink.flush()
            outcome = _DONE
        except BaseException as error:  # handed to the reader, which raises it
            outcome = error
        if not stop.is_set():
            pieces.put(outcome)

    thread = threading.Thread(target=run, name="csv-copy", daemon=True)
    thread.start()
    try:
        while (piece := pieces.get()) is not _DONE:
            if isinstance(piece, BaseException):
                raise piece
            yield piece
    finally:
        if thread.is_alive():
            stop.set()
            connection.connection.cancel()
            while thread.is_alive():
                with suppress(queue.Empty):
                    pieces.get(timeout=0.1)
        thread.join()


def _database_stream(values, lines, names, parts, links, address, chunk_size) -> Iterator[str]:
    yield _line(names)
    connection = connections[values.db]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=values.db):  # as in csv_table: streamed from a server-side cursor
        if outermost:
            # The rows defused in Python and the links are read by later queries: with one snapshot
            # for the whole transaction they see the engagements as the lines do.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        picks, makers = _picks(names), _cell_makers()
        with links.prepared():
            for chunk in _chunks(lines.iterator(chunk_size=chunk_size), chunk_size):
                linked = links.cells([row[0] for row in chunk])
                # Rows with a cell spreadsheet_safe might change are made by the Python cells.
                by_python = {}
                if defused := [row[0] for row in chunk if row[-1]]:
                    read = list(values.filter(pk__in=defused).values_list(*(c.source for c in _READ)))
                    made = _cells(read, picks, makers, linked, address)
                    by_python = {row[_ID_AT]: _line(cells) for row, cells in zip(read, made, strict=True)}
                for row in chunk:
                    if not row[-1]:
                        yield (
                            ",".join(row[n] if kind == "sql" else linked[n].get(row[0], "") for kind, n in parts)
                            + "\r\n"
                        )
                    elif (
                        row[0] in by_python
                    ):  # else deleted since the lines were read (only inside another transaction)
                        yield by_python[row[0]]


def export_text(queryset: QuerySet, user) -> Iterator[str]:
    """The workspace export as CSV text (``csv_text``)."""
    return csv_text(queryset, user, EXPORT_COLUMNS)
