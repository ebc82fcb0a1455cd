"""The engagement rows' CSV cells written by PostgreSQL, for exports of a million rows.

Making twenty million cells one by one in Python took most of an export's time. Here the
database writes each row's value columns as CSV text, the same bytes ``csv.writer`` writes for
the cells of ``rows.csv_table``: text quoted where it holds a comma, a quote or a line end,
dates and times in ISO 8601 in the portal's time zone ("Z" for UTC), ``true``/``false``,
numbers as stored, empty for none. Only the linked slugs (three small tables, read once) are
added in Python. A row that ``spreadsheet_safe`` would change (a text cell starting with
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
