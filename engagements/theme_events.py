"""Keeping the theme events (``ThemeEvent``) in step with the engagements they are derived from.

A held engagement (completed, not archived: ``held_condition``) gives one "raised" event per
support need (theme) and one "taken up" event per offer, carrying the offer's theme; nothing else
gives any. The engagement services refresh an engagement's events whenever they save it, and an
offer moved to another theme moves its events with it (``engagements.signals``). Writes that go
around the services — bulk loads (the demo data, ``generate_load_data``), ``QuerySet.update()`` —
call ``theme_events_rebuild()`` afterwards, or run ``manage.py rebuild_theme_events``.

Both are written with ``INSERT … SELECT`` from the links, so a refresh is three queries and a
rebuild of a million engagements a few seconds, and the rows are exactly what the links say.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import CharField, F, IntegerField, QuerySet, Value

from engagements.models import Engagement, ThemeEvent, ThemeEventKind, held_condition
from engagements.summaries import of_ids

_COLUMNS = ("engagement_id", "council_id", "theme_id", "offer_id", "kind", "date")


def _select(links: QuerySet, *, theme, offer, kind: str) -> QuerySet:
    """The links as rows in ``_COLUMNS`` order. Every column is an aliased expression, so the
    SELECT lists them in exactly this order (plain field names would be listed first)."""
    return links.values(
        event_engagement=F("engagement_id"),
        event_council=F("engagement__council_id"),
        event_theme=theme,
        event_offer=offer,
        event_kind=Value(str(kind), output_field=CharField()),
        event_date=F("engagement__date"),
    ).order_by()


def _raised(engagements: Iterable[int] | None) -> QuerySet:
    through = Engagement.themes.through
    links = through.objects.filter(held_condition("engagement__"))
    if engagements is not None:
        links = links.filter(of_ids(through, "engagement", list(engagements)))
    return _select(
        links, theme=F("theme_id"), offer=Value(None, output_field=IntegerField()), kind=ThemeEventKind.RAISED
    )


def _taken_up(engagements: Iterable[int] | None) -> QuerySet:
    through = Engagement.offers.through
    links = through.objects.filter(held_condition("engagement__"))
    if engagements is not None:
        links = links.filter(of_ids(through, "engagement", list(engagements)))
    return _select(links, theme=F("offer__theme_id"), offer=F("offer_id"), kind=ThemeEventKind.TAKEN_UP)


def _insert_from(queryset: QuerySet) -> None:
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(ThemeEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


@transaction.atomic
def theme_events_refresh(*, engagement_ids: Iterable[int]) -> None:
    """Rewrite the events of these engagements from their current state: three queries."""
    ids = list(engagement_ids)
    if not ids:
        return
    ThemeEvent.objects.filter(engagement_id__in=ids)._raw_delete(connection.alias)
    _insert_from(_raised(ids))
    _insert_from(_taken_up(ids))


def theme_events_add(*, engagement_ids: Iterable[int]) -> None:
    """Write the events of these engagements, which have none yet (inserted in bulk in this
    transaction): two queries, however many there are."""
    ids = list(engagement_ids)
    if not ids:
        return
    _insert_from(_raised(ids))
    _insert_from(_taken_up(ids))


@transaction.atomic
def theme_events_rebuild() -> int:
    """Rewrite every event from the engagements (after a bulk load); returns how many there are."""
    ThemeEvent.objects.all()._raw_delete(connection.alias)
    _insert_from(_raised(None))
    _insert_from(_taken_up(None))
    return ThemeEvent.objects.count()


def theme_events_out_of_step() -> int:
    """How many events differ from what the engagements say now (0 when in step); for checks."""
    wanted = {tuple(row.values()) for row in _raised(None)} | {tuple(row.values()) for row in _taken_up(None)}
    stored = set(ThemeEvent.objects.values_list(*_COLUMNS))
    return len(wanted ^ stored)
