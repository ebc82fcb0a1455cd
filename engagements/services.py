"""Writes to engagements and support requests. The workspace forms, the API and the CSV import
all go through these functions, so they validate and record history the same way.
"""

from __future__ import annotations

import datetime
import io
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, F, IntegerField, OuterRef, Subquery, Value
from django.utils import timezone
from simple_history.models import HistoricalRecords

from engagements.history import Change, engagement_changes_since
from engagements.models import (
    Channel,
    Council,
    Engagement,
    EngagementKind,
    EngagementStatus,
    SupportRequest,
    SupportRequestStatus,
)
from engagements.notifications import support_request_notify
from engagements.permissions import can_see_private_notes
from engagements.summaries import group_of, of_ids, summaries_refresh
from engagements.theme_events import theme_events_refresh
from lga_portal.rate_limits import RollingLimit
from offers.models import Offer

logger = logging.getLogger(__name__)

# Fields an engagement write may set, and its many-to-many fields.
ENGAGEMENT_FIELDS = (
    "council",
    "adviser",
    "date",
    "kind",
    "channel",
    "summary",
    "private_notes",
    "follow_up_on",
    "follow_up_done",
    "hours",
    "status",
)
ENGAGEMENT_M2M = ("roles", "offers", "themes")
# Engagement.clean() states each of the model's check constraints as a rule with its own
# message, and the database still enforces them; validating the constraints as well would
# cost three extra queries per save, nearly half the time of a large CSV import.
# (Add a constraint that clean() does not mirror, and this must go back to validating them.)
FULL_CLEAN = {"exclude": ["import_key"], "validate_constraints": False}

STALE_VERSION = "Someone else saved this engagement after you opened it. Your changes have not been saved."
ALREADY_ARCHIVED = "This engagement is archived and can no longer be changed."
REQUEST_RATE_LIMITED = (
    "You have sent {limit} requests in the last hour from this email address. "
    "To protect the service from spam, please wait an hour or contact your principal adviser directly."
)
REQUEST_ADDRESS_RATE_LIMITED = (
    "{limit} requests have been sent from your network in the last hour. To protect the service from spam, "
    "please try again after {time}, or contact your principal adviser directly."
)
REQUEST_NOT_OPEN = "This request has already been {status}."

# Requests from one client address, beside those from one email address: a client changing its
# email address for every request would otherwise email an adviser as often as it liked.
REQUESTS_PER_ADDRESS = RollingLimit("support-requests-per-address")


@dataclass
class EngagementConflict(Exception):
    """A write based on an old version: ``changes`` lists what others changed since."""

    current: Engagement
    changes: list[Change]  # (field label, value in the version the writer saw, value now), as the history words them

    def __str__(self) -> str:
        return STALE_VERSION


def _record_author(instance, user) -> None:
    """Name ``user`` in the history record of the next save, also outside a web request
    (imports, the API's token authentication), where the history middleware sees no user."""
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user


def _refresh_derived(engagement: Engagement, *, was_in: set | None = None) -> None:
    """Bring what is derived from the engagement up to date: its theme events, and the monthly
    summaries of the council-month it is in now and of the one it was in (``was_in``)."""
    theme_events_refresh(engagement_ids=[engagement.pk])
    summaries_refresh({group_of(engagement.council_id, engagement.date), *(was_in or ())})


def _save_with_history(engagement: Engagement, user, m2m: dict[str, Any], *, was_in: set | None = None) -> None:
    """Save the row and its roles, offers and themes, then record ONE history entry holding both.

    Without this, history would get an entry for the row and another for each many-to-many
    field set afterwards, the first of them showing the links as they were before.
    """
    engagement.skip_history_when_saving = True
    try:
        engagement.save()
        for name, related in m2m.items():
            getattr(engagement, name).set(related)
    finally:
        del engagement.skip_history_when_saving
    _record_author(engagement, user)
    engagement.save(update_fields=["modified_at"])
    _refresh_derived(engagement, was_in=was_in)


def _split(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    unknown = set(values) - set(ENGAGEMENT_FIELDS) - set(ENGAGEMENT_M2M)
    if unknown:
        raise TypeError(f"Unknown engagement fields: {', '.join(sorted(unknown))}")
    plain = {k: v for k, v in values.items() if k in ENGAGEMENT_FIELDS}
    m2m = {k: v for k, v in values.items() if k in ENGAGEMENT_M2M}
    return plain, m2m


def engagement_validate(engagement: Engagement, *, related_loaded: bool = False) -> None:
    """The rules of an engagement, checked before every write (form, API, import): raises
    ValidationError by field.

    With ``related_loaded``, a council, adviser or user given as an instance the caller has just
    read from the database is not read again to check that it exists (that check costs a query
    per record and per row, and is all that is skipped: a missing one is still refused).
    """
    exclude = list(FULL_CLEAN["exclude"])
    if related_loaded:
        exclude += [
            field.name
            for field in Engagement._meta.concrete_fields
            if field.is_relation and getattr(engagement, field.attname) is not None and field.is_cached(engagement)
        ]
    engagement.full_clean(exclude=exclude, validate_constraints=FULL_CLEAN["validate_constraints"])


def engagement_new(*, user, import_key: str | None = None, **values: Any) -> tuple[Engagement, dict[str, list]]:
    """A new, unsaved engagement from ``values``, and its links (roles, offers, themes) by name."""
    plain, m2m = _split(values)
    engagement = Engagement(**plain, created_by=user, modified_by=user, import_key=import_key)
    return engagement, m2m


@transaction.atomic
def engagement_create(*, user, import_key: str | None = None, **values: Any) -> Engagement:
    """Validate and save a new engagement with its roles, offers and themes."""
    engagement, m2m = engagement_new(user=user, import_key=import_key, **values)
    engagement_validate(engagement)
    _save_with_history(engagement, user, m2m)
    return engagement


def _history_m2m_model(name: str):
    """The history table of one of the engagement's links (simple-history's ``m2m_fields``)."""
    return HistoricalRecords.m2m_models[Engagement._meta.get_field(name)]


def _insert_select(model, columns: list[str], queryset) -> None:
    """``INSERT INTO model (columns) SELECT …``: ``queryset`` must select its values, every one an
    aliased expression, in the order of ``columns`` (so the SELECT lists them in that order)."""
    sql, params = queryset.order_by().query.sql_with_params()
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({quoted}) {sql}", params)


def _insert_values(model, columns: list[str], rows: list[tuple]) -> None:
    """``INSERT INTO model (columns) VALUES …`` for plain rows (ids only): no model instance per row.
    One statement up to ``_VALUES_PER_INSERT`` values (far more than a chunk of links holds)."""
    per_statement = max(1, _VALUES_PER_INSERT // len(columns))
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({quoted}) VALUES "
                + ", ".join([one] * len(batch)),
                [value for row in batch for value in row],
            )


# Well under SQLite's limit of parameters in one statement (32,766 by default since 3.32).
_VALUES_PER_INSERT = 30_000

# COPY's text format: a backslash, a tab or a line break inside a value is escaped; \N is NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"No COPY text for {type(value).__name__}")


def _copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """``COPY model (columns) FROM STDIN`` (PostgreSQL): the fastest way to store many rows, with
    no statement to build and no parameters to adapt (Django logs it with the queries)."""
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
    data = io.StringIO("".join("\t".join(map(_copy_value, row)) + "\n" for row in rows))
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, data)


def _insert_links(through, columns: list[str], rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        _copy_rows(through, columns, rows)
    else:
        _insert_values(through, columns, rows)


def _insert_engagements(engagements: list[Engagement]) -> list[Engagement]:
    """Store new engagements, setting their ids, as ``bulk_create`` does. On PostgreSQL the ids
    are taken from the table's sequence in one query and the rows written with COPY: Django's
    ``bulk_create`` builds and adapts every value of every row in Python, most of the CPU time of
    a large import."""
    if connection.vendor != "postgresql":
        return Engagement.objects.bulk_create(engagements)
    meta = Engagement._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(engagements)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    # As bulk_create: the fields that set themselves on a save (the times) set on each row.
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    for engagement, pk in zip(engagements, ids, strict=True):
        engagement.pk = pk
        for field in stamped:
            field.pre_save(engagement, add=True)
        engagement._state.adding = False
        engagement._state.db = connection.alias
    columns = [meta.pk.column, *(field.column for field in fields)]
    attnames = [meta.pk.attname, *(field.attname for field in fields)]
    _copy_rows(Engagement, columns, [tuple(getattr(e, name) for name in attnames) for e in engagements])
    return engagements


def _record_history(engagement_ids: list[int], author) -> None:
    """One "created" history record for each of these new engagements, copied from the rows just
    stored, as ``bulk_create_with_history`` would make them (the tracked fields, the date, the
    author) without a model instance per record: one ``INSERT … SELECT``."""
    history = Engagement.history.model
    tracked = [field.attname for field in history.tracked_fields]
    extra = {
        "history_date": Value(timezone.now(), output_field=DateTimeField()),
        "history_change_reason": Value(None, output_field=CharField()),
        "history_type": Value("+", output_field=CharField()),
        "history_user_id": Value(getattr(author, "pk", None), output_field=IntegerField()),
    }
    rows = Engagement.objects.filter(of_ids(Engagement, "id", engagement_ids)).values(
        **{f"record_{name}": F(name) for name in tracked}, **{f"record_{name}": value for name, value in extra.items()}
    )
    _insert_select(history, [*tracked, *extra], rows)


def _record_links_history(name: str, engagement_ids: list[int]) -> None:
    """Copy the ``name`` links of these engagements, each new with exactly one history record,
    into that record's links, as simple-history does on a save: one ``INSERT … SELECT``."""
    field = Engagement._meta.get_field(name)
    through, history = field.remote_field.through, _history_m2m_model(name)
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    record = Engagement.history.filter(id=OuterRef(source)).values("history_id")
    links = through.objects.filter(of_ids(through, field.m2m_field_name(), engagement_ids)).values(
        link_id=F("id"), link_source=F(source), link_target=F(target), link_record=Subquery(record)
    )
    _insert_select(history, ["id", source, target, "history_id"], links)


@transaction.atomic
def engagements_bulk_create(new: list[tuple[Engagement, dict[str, list]]], *, user) -> list[int]:
    """Save engagements already validated (``engagement_new`` then ``engagement_validate``), with
    their links and one history record each holding both, as ``engagement_create`` records it.

    A fixed number of queries however many there are (on PostgreSQL; SQLite splits the insert of
    the engagements into batches of its 999 parameters): the engagements (``bulk_create``), their
    history, then per kind of link its rows and their history. The history and the links are
    written by the database from the rows it has just stored (``INSERT … SELECT``) or from plain
    ids: no model instance per record, which is what made ``bulk_create_with_history`` cost as
    much as the import's own work. Returns the new ids, in order.

    The theme events are not written here: the caller writes them for the ids returned (the
    import does, once for the file, in ``imports._derived_rows``).
    """
    if not new:
        return []
    author = user if user is not None and getattr(user, "is_authenticated", False) else None
    engagements = _insert_engagements([engagement for engagement, _ in new])
    ids = [engagement.pk for engagement in engagements]
    _record_history(ids, author)
    for name in ENGAGEMENT_M2M:
        field = Engagement._meta.get_field(name)
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = [
            (engagement.pk, related.pk)
            for engagement, (_, m2m) in zip(engagements, new, strict=True)
            for related in m2m.get(name) or ()
        ]
        if links:
            _insert_links(field.remote_field.through, [source, target], links)
            _record_links_history(name, ids)
    return ids


def engagement_lock(*, engagement: Engagement, version: int, user) -> Engagement:
    """The engagement as saved now, locked until the transaction ends, if it may still be changed
    from ``version``; else ValidationError (archived) or EngagementConflict (changed since).

    Must run in a transaction. ``engagement_update`` starts with it; a form that validates before
    saving (the admin's) calls it first, in the same transaction, to show the refusal on the form.
    """
    current = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if current.archived_at is not None:
        raise ValidationError(ALREADY_ARCHIVED)
    if current.version != version:
        seen_by_user = can_see_private_notes(user, current)
        raise EngagementConflict(current, engagement_changes_since(current, version, show_private_notes=seen_by_user))
    return current


@transaction.atomic
def engagement_update(*, engagement: Engagement, user, version: int, **values: Any) -> Engagement:
    """Save changes made to ``version`` of an engagement; refuse them if it has moved on since."""
    current = engagement_lock(engagement=engagement, version=version, user=user)
    was_in = {group_of(current.council_id, current.date)}
    plain, m2m = _split(values)
    for name, value in plain.items():
        setattr(current, name, value)
    current.full_clean(**FULL_CLEAN)
    current.version += 1
    current.modified_by = user
    _save_with_history(current, user, m2m, was_in=was_in)
    return current


@transaction.atomic
def engagement_archive(*, engagement: Engagement, user) -> Engagement:
    """Archive an engagement: it leaves lists and counts but stays in history."""
    current = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if current.archived_at is None:
        current.archived_at = timezone.now()
        current.archived_by = user
        current.modified_by = user
        current.version += 1
        _record_author(current, user)
        current.save()
        _refresh_derived(current)
    return current


def requests_in_last_hour(email: str) -> int:
    since = timezone.now() - datetime.timedelta(hours=1)
    return SupportRequest.objects.filter(email__iexact=email, created_at__gte=since).count()


def support_request_address_refusal(address: str) -> str | None:
    """Why a client at ``address`` may not send a support request now, or None if it may.

    Counted in the cache, not the database, and outside the request's transaction: a cache
    outage lets requests through (see ``lga_portal.rate_limits``) and never fails the save.
    """
    limit = settings.PORTAL["SUPPORT_REQUESTS_PER_ADDRESS_PER_HOUR"]
    retry_at = REQUESTS_PER_ADDRESS.retry_at(address, limit)
    if retry_at is None:
        return None
    return REQUEST_ADDRESS_RATE_LIMITED.format(limit=limit, time=f"{timezone.localtime(retry_at):%H:%M}")


def support_request_address_count(address: str) -> None:
    """Count a support request sent from ``address`` (after it is saved)."""
    REQUESTS_PER_ADDRESS.record(address)


@transaction.atomic
def support_request_create(
    *, council: Council, offer: Offer, name: str, email: str, role: str = "", message: str = "", consent: bool
) -> SupportRequest:
    """Store a council's request for an offer and email it to whoever should act on it."""
    errors: dict[str, str] = {}
    if not council.is_active:
        errors["council"] = council.replaced_message()
    # The offer as it is now, not as the form's page found it: its status may have changed since.
    offer = Offer.objects.select_related("theme").get(pk=offer.pk)
    if refusal := offer.request_refusal:
        errors["offer"] = refusal
    limit = settings.PORTAL["SUPPORT_REQUESTS_PER_HOUR"]
    if requests_in_last_hour(email) >= limit:
        errors["email"] = REQUEST_RATE_LIMITED.format(limit=limit)
    if errors:
        raise ValidationError(errors)
    request = SupportRequest(
        council=council,
        offer=offer,
        name=name,
        email=email,
        role=role,
        message=message,
        consent=consent,
        assigned_adviser=council.adviser,
    )
    request.full_clean()
    request.save()
    # Queued with the request and sent by the worker once it commits: a mail outage neither
    # loses the request nor shows the requester an error.
    support_request_notify(request)
    return request


def _require_open(request: SupportRequest) -> None:
    if request.status not in (SupportRequestStatus.NEW, SupportRequestStatus.ACKNOWLEDGED):
        raise ValidationError(REQUEST_NOT_OPEN.format(status=request.get_status_display().lower()))


@transaction.atomic
def support_request_acknowledge(*, request: SupportRequest, user) -> SupportRequest:
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    _require_open(request)
    request.status = SupportRequestStatus.ACKNOWLEDGED
    request.acknowledged_at = request.acknowledged_at or timezone.now()
    _record_author(request, user)
    request.save()
    return request


@transaction.atomic
def support_request_close(*, request: SupportRequest, user, reason: str) -> SupportRequest:
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    _require_open(request)
    if not reason.strip():
        raise ValidationError({"closed_reason": "Say why the request is being closed."})
    request.status = SupportRequestStatus.CLOSED
    request.closed_reason = reason.strip()
    request.closed_at = timezone.now()
    _record_author(request, user)
    request.save()
    return request


def engagement_initial_from_request(request: SupportRequest) -> dict[str, Any]:
    """Values to prefill an engagement form with when converting a request."""
    return {
        "council": request.council,
        "adviser": request.assigned_adviser or request.council.adviser,
        "date": timezone.localdate(),
        "kind": EngagementKind.CALL,
        "channel": Channel.VIDEO,
        "status": EngagementStatus.COMPLETED,
        "offers": [request.offer],
        "themes": [request.offer.theme],
        "summary": f"Support request {request.reference} from {request.name}"
        + (f" ({request.role})" if request.role else "")
        + f" for {request.offer.title}."
        + (f"\n\n{request.message}" if request.message else ""),
    }


@transaction.atomic
def support_request_convert(*, request: SupportRequest, user, **engagement_values: Any) -> Engagement:
    """Turn a request into an engagement (prefilled from it unless values are given) and link them."""
    request = SupportRequest.objects.select_for_update().select_related("council", "offer__theme").get(pk=request.pk)
    _require_open(request)
    values = {**engagement_initial_from_request(request), **engagement_values}
    engagement = engagement_create(user=user, **values)
    request.engagement = engagement
    request.status = SupportRequestStatus.CONVERTED
    request.closed_at = timezone.now()
    _record_author(request, user)
    request.save()
    return engagement
