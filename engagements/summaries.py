"""Monthly summaries of held engagements (``EngagementMonth``, ``TakeUpMonth``), kept true by the
engagement services, and the reads that combine them with the engagements of part-months.

A summary row belongs to one council and one calendar month. Whenever the services save, archive
or delete an engagement they recount the council-months it was in before and after the change
(``summaries_refresh``): the rows are replaced by a recount from the engagements themselves, so
they cannot drift the way an adjusted running total could. An offer moved to another theme
recounts the months of every engagement that took it up (``engagements.signals``).

Writes that go around the services — bulk loads (the demo data, ``generate_load_data``),
``QuerySet.update()`` — call ``refresh_summaries_for(engagement_ids)`` with the engagements they
wrote or changed (in their new state; for engagements moved to another council or month, also
``summaries_refresh`` with the old council-months), or ``summaries_rebuild()``, or run
``manage.py rebuild_summaries``; ``rebuild_summaries --check`` says whether they are in step. The
bulk CSV import, which only inserts engagements, adds their own counts to the rows instead
(``summaries_add``), after locking their councils: the same rows a recount gives.

A period that does not start and end on month boundaries is read as its whole months from the
summaries and its part-months from the engagements (``month_split``), so every figure is the
same as counting the engagements, at a cost that follows months and councils, not engagements.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, CharField, Count, DateField, F, IntegerField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth, TruncQuarter

from engagements.models import Council, Engagement, KindSummary, SummaryPeriod, TakeUpMonth, held_condition
from lga_portal.periods import next_period_start, period_start

EngagementOffer = Engagement.offers.through

# A council and the first day of a month: the unit the summaries are recounted in.
Group = tuple[int, datetime.date]


def group_of(council_id: int, day: datetime.date) -> Group:
    return council_id, period_start(day, "month")


def _by_period(groups: Iterable[Group], period: str) -> dict[datetime.date, set[int]]:
    """The councils of these council-months, by the month's (or its quarter's) first day."""
    by_start: dict[datetime.date, set[int]] = defaultdict(set)
    for council_id, month in groups:
        by_start[period_start(month, period)].add(council_id)
    return by_start


def _dated_in(groups: Iterable[Group] | None, period: str, *, date: str, council: str) -> Q | None:
    """Engagements (or links, through ``date`` and ``council``) in the months, or the quarters, of
    these council-months; None means all of them."""
    if groups is None:
        return None
    condition = Q(pk__in=[])
    for start, councils in sorted(_by_period(groups, period).items()):
        following = next_period_start(start, period)
        condition |= Q(**{f"{date}__gte": start, f"{date}__lt": following, f"{council}__in": sorted(councils)})
    return condition


def _summary_rows_of(groups: Iterable[Group] | None, period: str, *, with_period: bool) -> Q | None:
    """Summary rows of these council-months (or of their quarters)."""
    if groups is None:
        return None
    condition = Q(pk__in=[])
    for start, councils in sorted(_by_period(groups, period).items()):
        row = Q(start=start, period=period) if with_period else Q(month=start)
        condition |= row & Q(council_id__in=sorted(councils))
    return condition


# Each recount lists its columns as aliased expressions, in the summary table's column order
# (plain field names would be listed before them), so it can be inserted as it is.
_TRUNC = {SummaryPeriod.MONTH: TruncMonth, SummaryPeriod.QUARTER: TruncQuarter}


def _kind_rows(condition: Q | None, period: str) -> QuerySet:
    engagements = Engagement.objects.held()
    if condition is not None:
        engagements = engagements.filter(condition)
    return (
        engagements.values(
            s_period=Value(str(period), output_field=CharField()),
            s_start=_TRUNC[period]("date", output_field=DateField()),
            s_council=F("council_id"),
            s_kind=F("kind"),
        )
        .annotate(s_engagements=Count("id"))
        .order_by()
    )


def _links(condition: Q | None) -> QuerySet:
    links = EngagementOffer.objects.filter(held_condition("engagement__"))
    return links if condition is None else links.filter(condition)


def _offer_rows(condition: Q | None) -> QuerySet:
    # A link is unique per engagement and offer, so an offer's engagements are its links.
    return (
        _links(condition)
        .values(
            s_month=TruncMonth("engagement__date", output_field=DateField()),
            s_council=F("engagement__council_id"),
            s_theme=F("offer__theme_id"),
            s_offer=F("offer_id"),
        )
        .annotate(s_engagements=Count("engagement_id"))
        .order_by()
    )


def _theme_rows(condition: Q | None) -> QuerySet:
    return (
        _links(condition)
        .values(
            s_month=TruncMonth("engagement__date", output_field=DateField()),
            s_council=F("engagement__council_id"),
            s_theme=F("offer__theme_id"),
            s_offer=Value(None, output_field=IntegerField()),
        )
        .annotate(s_engagements=Count("engagement_id", distinct=True))
        .order_by()
    )


_KIND_COLUMNS = ("period", "start", "council_id", "kind", "engagements")
_TAKE_UP_COLUMNS = ("month", "council_id", "theme_id", "offer_id", "engagements")


def _insert(model, columns: tuple[str, ...], queryset: QuerySet) -> None:
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)


def _recount(groups: Iterable[Group] | None) -> None:
    kind_rows = [_summary_rows_of(groups, period, with_period=True) for period in SummaryPeriod.values]
    take_up_rows = _summary_rows_of(groups, SummaryPeriod.MONTH, with_period=False)
    for model, condition in ((KindSummary, _or(kind_rows)), (TakeUpMonth, take_up_rows)):
        rows = model.objects.all() if condition is None else model.objects.filter(condition)
        rows._raw_delete(connection.alias)
    for period in SummaryPeriod.values:
        _insert(
            KindSummary, _KIND_COLUMNS, _kind_rows(_dated_in(groups, period, date="date", council="council_id"), period)
        )
    links = _dated_in(groups, SummaryPeriod.MONTH, date="engagement__date", council="engagement__council_id")
    _insert(TakeUpMonth, _TAKE_UP_COLUMNS, _offer_rows(links))
    _insert(TakeUpMonth, _TAKE_UP_COLUMNS, _theme_rows(links))


def _or(conditions: list[Q | None]) -> Q | None:
    if any(c is None for c in conditions):
        return None
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


# One transaction with the write that called it (no savepoint of its own: a failure fails the write).
@transaction.atomic(savepoint=False)
def summaries_refresh(groups: Iterable[Group]) -> None:
    """Recount these council-months (and their quarters) from the engagements: seven queries (a lock
    on their councils, then six), however many there are."""
    groups = set(groups)
    if groups:
        lock_councils({council_id for council_id, _ in groups})
        _recount(groups)


def of_ids(model, column: str, ids: list[int]) -> Q | RawSQL:
    """A filter: rows of ``model`` whose ``column`` is one of ``ids``. On PostgreSQL the ids go as
    one array (``= ANY``): in an ``IN`` list the ORM prepares each id as a parameter of its own and
    the database parses each, seconds for the hundred thousand engagements of a large import."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(column).column)} = ANY(%s)"
        return RawSQL(sql, (ids,), output_field=BooleanField())
    return Q(**{f"{column}__in": ids})


# The unique key of each summary table's rows (``Meta.constraints``), as ``ON CONFLICT`` names it: a
# theme's take-up rows and an offer's are told apart by a partial unique index each.
_KIND_KEY = ("period", "start", "council_id", "kind")
_OFFER_KEY = ("month", "council_id", "theme_id", "offer_id"), "offer_id IS NOT NULL"
_THEME_KEY = ("month", "council_id", "theme_id"), "offer_id IS NULL"


def _add(model, columns: tuple[str, ...], queryset: QuerySet, key: tuple[str, ...], where: str = "") -> None:
    """Insert the counted rows, or add each count to the row already there with its key."""
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    target = f"({', '.join(quote(c) for c in key)})" + (f" WHERE {where}" if where else "")
    count = quote("engagements")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) {sql} "
            f"ON CONFLICT {target} DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
            params,
        )


# One transaction with the write that called it (no savepoint of its own: a failure fails the write).
@transaction.atomic(savepoint=False)
def summaries_add(engagement_ids: Iterable[int]) -> None:
    """Add these engagements to the summaries: engagements inserted in this transaction, and
    never counted, whose councils the caller has locked (``lock_councils``) before any other
    reads or writes of their summaries. Four queries, however many there are.

    Every figure is a count that one engagement adds to alone: a month's or quarter's held
    engagements of a kind, an offer's links (one per engagement and offer), and the held
    engagements that took up any offer of a theme, each counted once — distinct within these
    engagements, and none of them counted before. So the file's own counts, added to the rows
    there, give what a recount of the whole council-months gives (``rebuild_summaries --check``),
    reading only the new engagements instead of every engagement of their months."""
    ids = sorted(set(engagement_ids))
    if not ids:
        return
    for period in SummaryPeriod.values:
        _add(KindSummary, _KIND_COLUMNS, _kind_rows(of_ids(Engagement, "id", ids), period), _KIND_KEY)
    links = of_ids(EngagementOffer, "engagement", ids)
    _add(TakeUpMonth, _TAKE_UP_COLUMNS, _offer_rows(links), *_OFFER_KEY)
    _add(TakeUpMonth, _TAKE_UP_COLUMNS, _theme_rows(links), *_THEME_KEY)


def lock_councils(council_ids: Iterable[int]) -> None:
    """Lock the councils' rows until the transaction ends, in id order. Two writes recounting the
    same council at once would each insert its rows (and the second count would miss the first's
    engagement): locked first, in the same order by every recount, the second waits, then counts
    what the first committed."""
    list(Council.objects.select_for_update().filter(pk__in=sorted(council_ids)).order_by("pk").values_list("pk"))


def refresh_summaries_for(engagement_ids: Iterable[int]) -> None:
    """Bring the summaries up to date for these engagements as they are now (e.g. rows just bulk
    inserted): recounts the council-months they are in, eight queries whatever their number."""
    ids = list(engagement_ids)
    if not ids:
        return
    pairs = Engagement.objects.filter(pk__in=ids).values_list("council_id", "date").distinct()
    summaries_refresh(group_of(council_id, day) for council_id, day in pairs)


def refresh_summaries_for_offer(offer_id: int) -> None:
    """Recount the months of every held engagement that took up this offer (its theme changed)."""
    pairs = (
        EngagementOffer.objects.filter(held_condition("engagement__"), offer_id=offer_id)
        .values_list("engagement__council_id", "engagement__date")
        .distinct()
    )
    summaries_refresh(group_of(council_id, day) for council_id, day in pairs)


@transaction.atomic
def summaries_rebuild() -> int:
    """Recount every summary row from the engagements (after a bulk load); returns how many there are."""
    _recount(None)
    return KindSummary.objects.count() + TakeUpMonth.objects.count()


def _normalise(rows, date_column: int) -> set[tuple]:
    return {tuple(_as_date(v) if i == date_column else v for i, v in enumerate(row)) for row in rows}


def summaries_out_of_step() -> int:
    """How many summary rows differ from a recount of the engagements (0 when in step)."""
    differing = 0
    for model, columns, date_column, recounts in (
        (KindSummary, _KIND_COLUMNS, 1, [_kind_rows(None, period) for period in SummaryPeriod.values]),
        (TakeUpMonth, _TAKE_UP_COLUMNS, 0, [_offer_rows(None), _theme_rows(None)]),
    ):
        wanted = set().union(*(_normalise((tuple(r.values()) for r in recount), date_column) for recount in recounts))
        stored = _normalise(model.objects.values_list(*columns), date_column)
        differing += len(wanted ^ stored)
    return differing


# --- Reading a period from the summaries and the engagements of its part-months ---------------


@dataclass(frozen=True)
class MonthSplit:
    """A period as whole calendar months (``first``–``last``, their first days; None if there are
    none) and the part-months at its edges, as inclusive date ranges."""

    first: datetime.date | None
    last: datetime.date | None
    edges: tuple[tuple[datetime.date, datetime.date], ...]

    def edge_condition(self, date: str = "date") -> Q:
        """Rows dated in the part-months (none at all when there are none)."""
        condition = Q(pk__in=[])
        for start, end in self.edges:
            condition |= Q(**{f"{date}__gte": start, f"{date}__lte": end})
        return condition

    def month_condition(self) -> Q:
        """Summary rows of the whole months."""
        if self.first is None:
            return Q(pk__in=[])
        return Q(month__gte=self.first, month__lte=self.last)


def month_split(start: datetime.date, end: datetime.date) -> MonthSplit:
    one_day = datetime.timedelta(days=1)
    first = start if start.day == 1 else next_period_start(period_start(start, "month"), "month")
    after = end + one_day
    last_end = end if after.day == 1 else period_start(end, "month") - one_day  # the last whole month's end
    if first > last_end:
        return MonthSplit(None, None, ((start, end),) if start <= end else ())
    edges = []
    if start < first:
        edges.append((start, first - one_day))
    if last_end < end:
        edges.append((last_end + one_day, end))
    return MonthSplit(first, period_start(last_end, "month"), tuple(edges))


def union_all(*querysets: QuerySet) -> tuple[str, tuple]:
    """The querysets' rows one after another, as SQL to select from (``FROM ({sql}) AS rows``).

    Each must list the same columns in the same order (aliased expressions) and have no ordering.
    A queryset that can match nothing (e.g. no part-months) is left out; at least one must remain.
    """
    parts = []
    for queryset in querysets:
        try:
            parts.append(queryset.query.sql_with_params())
        except EmptyResultSet:
            continue
    if not parts:
        raise EmptyResultSet
    return " UNION ALL ".join(sql for sql, _ in parts), tuple(p for _, params in parts for p in params)


def as_date(value) -> datetime.date:
    """A date column read through a raw cursor: a date on PostgreSQL, text on SQLite."""
    return _as_date(value)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value
