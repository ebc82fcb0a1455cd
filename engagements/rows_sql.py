"""The engagement rows' CSV cells written by PostgreSQL, for exports of a million rows.

Making twenty million cells one by one in Python took most of an export's time. Here the
database writes each row's value columns as CSV text, the same bytes ``csv.writer`` writes for
the cells of ``rows.csv_table``: text quoted where it holds a comma, a quote or a line end,
dates and times in ISO 8601 in the portal's time zone ("Z" for UTC), ``true``/``false``,
numbers as stored, empty for none. Each chunk's linked slugs come joined into their cells by
one prepared query (``link_cells_sql``) and are put in place in Python; for an export of most
engagements, one statement writes whole lines, links and all (``whole_export_sql``). A row that ``spreadsheet_safe`` would change (a text cell starting with
``= + - @``, a tab or a carriage return) is flagged instead and made by the Python cells, since
whether such a cell is a number is Python's ``Decimal`` to say.
"""

from __future__ import annotations

import re

from django.db.models import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    Expression,
    F,
    Func,
    IntegerField,
    QuerySet,
    TextField,
    Value,
)

# A time zone name that can be written into SQL as it is.
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_/+-]+$")


class _Cell(Func):
    """One value through a template that may name it several times (its parameters repeated to match)."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return sql, tuple(params) * self.extra["template"].count("%(expressions)s")


TEXT = "CASE WHEN %(expressions)s ~ '[\",\\r\\n]' THEN '\"' || replace(%(expressions)s, '\"', '\"\"') || '\"' ELSE COALESCE(%(expressions)s, '') END"
NUMBER = "COALESCE((%(expressions)s)::text, '')"
DATE = "COALESCE(to_char(%(expressions)s, 'YYYY-MM-DD'), '')"
BOOLEAN = "CASE WHEN %(expressions)s THEN 'true' WHEN NOT %(expressions)s THEN 'false' ELSE '' END"
# As datetime.isoformat() of the moment in the zone: microseconds only when there are some (they
# are the same in every zone), the offset as +HH:MM (and :SS when it has seconds), "Z" for none.
# The offset is worked out in full only for offsets other than none and an hour: time zone
# conversions are the costliest part of a row's cells.
_LOCAL = "(%(expressions)s AT TIME ZONE '{zone}')"
_UTC = "(%(expressions)s AT TIME ZONE 'UTC')"
_OFFSET = f"(extract(epoch FROM {_LOCAL} - {_UTC}))::int"
MOMENT = (
    f"COALESCE(to_char({_LOCAL}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    " || CASE WHEN to_char(%(expressions)s, 'US') = '000000' THEN '' ELSE to_char(%(expressions)s, '.US') END"
    f" || CASE {_LOCAL} - {_UTC} WHEN interval '0' THEN 'Z' WHEN interval '1 hour' THEN '+01:00'"
    f" ELSE CASE WHEN {_OFFSET} < 0 THEN '-' ELSE '+' END"
    f" || to_char(abs({_OFFSET}) / 3600, 'FM00') || ':' || to_char(mod(abs({_OFFSET}), 3600) / 60, 'FM00')"
    f" || CASE WHEN mod(abs({_OFFSET}), 60) = 0 THEN '' ELSE ':' || to_char(mod(abs({_OFFSET}), 60), 'FM00') END"
    " END, '')"
)
# A text cell that spreadsheet_safe might change: its first character is one of FORMULA_STARTS.
FORMULA_LIKE = "COALESCE(left(%(expressions)s, 1) IN ('=', '+', '-', '@', chr(9), chr(13)), false)"


def _template(field, zone: str) -> str:
    if isinstance(field, BooleanField):
        return BOOLEAN
    if isinstance(field, DateTimeField):
        return MOMENT.replace("{zone}", zone)
    if isinstance(field, DateField):
        return DATE
    if isinstance(field, IntegerField | DecimalField):
        return NUMBER
    return TEXT


def cells_sql(queryset: QuerySet, lookups: list[str | Expression], zone: str) -> tuple[Expression, Expression] | None:
    """(the cells of ``lookups`` as one CSV text, joined by commas; whether any text cell looks like a
    formula), for the rows of ``queryset``; None where the time zone's name cannot go into SQL.
    A lookup is a ``values()`` lookup of ``queryset`` or an expression giving text."""
    if not _ZONE_NAME.match(zone):
        return None
    cells, formula_like = [], []
    for lookup in lookups:
        if isinstance(lookup, str):
            expression = F(lookup)
            field = _field(queryset, lookup)
        else:
            expression, field = lookup, TextField()
        template = _template(field, zone)
        cells.append(_Cell(expression, template=template))
        if template is TEXT:
            formula_like.append(_Cell(expression, template=FORMULA_LIKE, output_field=BooleanField()))
    line = Func(*cells, template="%(expressions)s", arg_joiner=" || ',' || ", output_field=TextField())
    flag = (
        Func(*formula_like, template="(%(expressions)s)", arg_joiner=" OR ", output_field=BooleanField())
        if formula_like
        else Value(False)
    )
    return line, flag


def _field(queryset: QuerySet, lookup: str):
    """The field (a model's, or an annotation's) that a ``values()`` lookup of ``queryset`` reads."""
    if lookup in queryset.query.annotations:
        return queryset.query.annotations[lookup].output_field
    model = queryset.model
    *path, last = lookup.split("__")
    for name in path:
        model = model._meta.get_field(name).related_model
    field = model._meta.get_field(last)
    return field.target_field if field.is_relation else field


def _ordering_sql(model, alias: str, quote) -> tuple[list[str], list[str]]:
    """The joins and ``ORDER BY`` terms of ``model``'s own ordering then its key, for rows of
    ``model`` under ``alias`` (orderings through one foreign key, such as ``theme__order``)."""
    joins, terms = [], []
    for entry in model._meta.ordering:
        name = entry.lstrip("-")
        table, owner = alias, model
        if "__" in name:
            relation, name = name.split("__", 1)
            field = model._meta.get_field(relation)
            owner, table = field.related_model, f"{alias}_{relation}"
            joins.append(
                f"JOIN {quote(owner._meta.db_table)} {table}"
                f" ON {table}.{quote(owner._meta.pk.column)} = {alias}.{quote(field.column)}"
            )
        terms.append(f"{table}.{quote(owner._meta.get_field(name).column)}{' DESC' if entry[0] == '-' else ''}")
    terms.append(f"{alias}.{quote(model._meta.pk.column)}")
    return joins, terms


def _link_cell_sql(through, target, connection, joiner: str, where: str) -> str:
    """The cells of one link (``rows.LINKS``): ``(engagement_id, cell)`` for each engagement with
    any, the linked slugs joined by ``joiner`` in the linked model's own order."""
    quote = connection.ops.quote_name
    model = through._meta.get_field(target).related_model
    column = through._meta.get_field(target).column
    joins, terms = _ordering_sql(model, "t", quote)
    return (
        f"SELECT l.engagement_id, string_agg(t.{quote('slug')}, {joiner} ORDER BY {', '.join(terms)}) AS cell"
        f" FROM {quote(through._meta.db_table)} l"
        f" JOIN {quote(model._meta.db_table)} t ON t.{quote(model._meta.pk.column)} = l.{quote(column)}"
        f" {' '.join(joins)} {where}GROUP BY l.engagement_id"
    )


def link_cells_sql(links: dict, connection) -> str:
    """One query for the link cells of a chunk of engagements, to be prepared: for each link
    (``rows.LINKS``, by position) and engagement that has any, ``(engagement id, position,
    cell)``, the cell the linked slugs joined in the linked model's own order, as the Python
    cells join them. ``$1`` is the list joiner, ``$2`` the engagement ids as one array.

    The database aggregates the links it reads anyway, so the rows that cross are one per
    engagement and link, not one per linked record, and Python sorts and joins nothing.
    """
    parts = []
    for position, (through, target) in enumerate(links.values()):
        cells = _link_cell_sql(through, target, connection, "$1", "WHERE l.engagement_id = ANY($2) ")
        parts.append(f"SELECT engagement_id, {position}, cell FROM ({cells}) cells_{position}")
    return " UNION ALL ".join(parts)


def raw_cells_sql(queryset: QuerySet, lookups: list[str | Expression], zone: str) -> tuple[Expression, list[bool]]:
    """(the cells of ``lookups`` as a JSON array of text, each cell as ``cells_sql`` writes it but
    neither quoted nor, for text, defused; whether each is text), for the rows whose text
    ``spreadsheet_safe`` might change, which Python finishes."""
    cells, text = [], []
    for lookup in lookups:
        if isinstance(lookup, str):
            expression, field = F(lookup), _field(queryset, lookup)
        else:
            expression, field = lookup, TextField()
        template = _template(field, zone)
        text.append(template is TEXT)
        cells.append(_Cell(expression, template=RAW_TEXT if template is TEXT else template))
    return Func(*cells, function="json_build_array", output_field=TextField()), text


RAW_TEXT = "COALESCE(%(expressions)s, '')"


def whole_export_sql(
    inner: str, parts: list[tuple[str, object]], links: dict, ordering: list[bool], connection
) -> tuple[str, list[str]]:
    """A query for a whole export's lines, without their line ends, from ``inner`` (the SQL of the
    rows: ``csv_id``, the value cells ``csv_cells_<n>``, ``csv_formula_like``, ``csv_raw`` and the
    ordering ``csv_order_<n>``, descending where ``ordering`` says): each link table aggregated in
    one pass and joined by engagement, instead of looked up a chunk of engagements at a time,
    which reads the link tables' indexes at random. A row whose text might need defusing comes as
    ``@`` and a JSON array (its raw cells, then the cells of the links it names, in ``links``'
    order), for Python to finish: no line of CSV starts with ``@``, which is always defused.
    Returns the SQL and the names of the links joined, each with a ``%s`` for the list joiner
    after the parameters of ``inner``."""
    joined, cells, names = [], [], list(links)
    for kind, at in parts:
        if kind == "sql":
            cells.append(f"q.csv_cells_{at}")
        else:
            position = names.index(at)
            cells.append(f"COALESCE(l{position}.cell, '')")
    used = sorted({names.index(at) for kind, at in parts if kind == "link"})
    for position in used:
        through, target = links[names[position]]
        table = _link_cell_sql(through, target, connection, "%s", "")
        joined.append(f" LEFT JOIN ({table}) l{position} ON l{position}.engagement_id = q.csv_id")
    flagged = ", ".join(["q.csv_raw"] + [f"COALESCE(l{position}.cell, '')" for position in used])
    order = ", ".join(f"q.csv_order_{n}{' DESC' if descending else ''}" for n, descending in enumerate(ordering))
    line = " || ',' || ".join(cells)
    sql = (
        f"SELECT CASE WHEN q.csv_formula_like THEN '@' || json_build_array({flagged})::text"
        f" ELSE {line} END FROM ({inner}) q{''.join(joined)} ORDER BY {order}"
    )
    return sql, [names[position] for position in used]
