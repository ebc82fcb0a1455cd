"""The engagement rows' CSV cells written by PostgreSQL, for exports of a million rows.

Making twenty million cells one by one in Python took most of an export's time. Here the
database writes each row's value columns as CSV text, the same bytes ``csv.writer`` writes for
the cells of ``rows.csv_table``: text quoted where it holds a comma, a quote or a line end,
dates and times in ISO 8601 in the portal's time zone ("Z" for UTC), ``true``/``false``,
numbers as stored, empty for none. Each chunk's linked slugs come joined into their cells by
one prepared query (``link_cells_sql``) and are put in place in Python. A row that ``spreadsheet_safe`` would change (a text cell starting with
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


def link_cells_sql(links: dict, connection) -> str:
    """One query for the link cells of a chunk of engagements, to be prepared: for each link
    (``rows.LINKS``, by position) and engagement that has any, ``(engagement id, position,
    cell)``, the cell the linked slugs joined in the linked model's own order, as the Python
    cells join them. ``$1`` is the list joiner, ``$2`` the engagement ids as one array.

    The database aggregates the links it reads anyway, so the rows that cross are one per
    engagement and link, not one per linked record, and Python sorts and joins nothing.
    """
    quote = connection.ops.quote_name
    parts = []
    for position, (through, target) in enumerate(links.values()):
        model = through._meta.get_field(target).related_model
        column = through._meta.get_field(target).column
        joins, terms = _ordering_sql(model, "t", quote)
        parts.append(
            f"SELECT l.engagement_id, {position}, string_agg(t.{quote('slug')}, $1 ORDER BY {', '.join(terms)})"
            f" FROM {quote(through._meta.db_table)} l"
            f" JOIN {quote(model._meta.db_table)} t ON t.{quote(model._meta.pk.column)} = l.{quote(column)}"
            f" {' '.join(joins)} WHERE l.engagement_id = ANY($2) GROUP BY l.engagement_id"
        )
    return " UNION ALL ".join(parts)
