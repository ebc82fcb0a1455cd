"""CSV export of engagements, streamed: one row per engagement, roles, offers and themes joined.

The queryset must come through ``permissions.with_visible_notes`` so the private-notes column
only ever carries notes the reader may see. Rows are read in chunks (with their roles,
offers and themes read per chunk), so memory stays flat however many rows there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from engagements.imports import LIST_SEPARATOR
from engagements.models import Channel, Engagement, EngagementKind, EngagementStatus
from lga_portal.csv_export import csv_download, spreadsheet_safe

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


def _text(value: str) -> str:
    return spreadsheet_safe(value or "")


def _joined(items: Iterable) -> str:
    return f"{LIST_SEPARATOR} ".join(_text(str(item)) for item in items)


def _when(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


# The columns read for each engagement, as plain values (no model instances: a million rows
# must not build a million objects, nor their related managers).
_FIELDS = (
    "id",
    "council__gss_code",
    "council__name",
    "council__region__name",
    "date",
    "kind",
    "channel",
    "adviser__name",
    "adviser__email",
    "summary",
    "visible_notes",
    "follow_up_on",
    "follow_up_done",
    "hours",
    "status",
    "created_at",
    "modified_at",
)
# For each many-to-many: the through model, the name to show, and the order to list them in.
_JOINED = {
    "roles": (Engagement.roles.through, "contactrole__name", ("contactrole__order", "contactrole__name")),
    "offers": (Engagement.offers.through, "offer__title", ("offer__theme__order", "offer__title")),
    "themes": (Engagement.themes.through, "theme__name", ("theme__order", "theme__name")),
}


def _names_by_engagement(ids: list[int]) -> dict[str, dict[int, list[str]]]:
    """Role, offer and theme names of the engagements ``ids``: three queries per chunk."""
    names: dict[str, dict[int, list[str]]] = {}
    for column, (through, name, ordering) in _JOINED.items():
        found: dict[int, list[str]] = defaultdict(list)
        links = through.objects.filter(engagement_id__in=ids).order_by("engagement_id", *ordering)
        for engagement_id, value in links.values_list("engagement_id", name):
            found[engagement_id].append(value)
        names[column] = found
    return names


def _chunks(iterator: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(iterator, size)):
        yield chunk


def engagement_rows(queryset: QuerySet) -> Iterator[list[str]]:
    """The header, then one list of cells per engagement of ``queryset`` (annotated with visible_notes).

    Rows come from a server-side cursor in chunks; each chunk's roles, offers and themes
    are read in three more queries, so memory stays flat whatever the number of rows.
    """
    yield list(HEADER)
    kinds, channels, statuses = dict(EngagementKind.choices), dict(Channel.choices), dict(EngagementStatus.choices)
    rows = queryset.values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for chunk in _chunks(rows, CHUNK_SIZE):
        joined = _names_by_engagement([row[0] for row in chunk])
        for (
            pk,
            council_code,
            council,
            region,
            date,
            kind,
            channel,
            adviser,
            adviser_email,
            summary,
            notes,
            follow_up_on,
            follow_up_done,
            hours,
            status,
            created_at,
            modified_at,
        ) in chunk:
            yield [
                str(pk),
                council_code,
                _text(council),
                region,
                date.isoformat(),
                kinds.get(kind, kind),
                channels.get(channel, channel),
                _text(adviser),
                adviser_email,
                _joined(joined["roles"].get(pk, ())),
                _joined(joined["offers"].get(pk, ())),
                _joined(joined["themes"].get(pk, ())),
                _text(summary),
                _text(notes),
                follow_up_on.isoformat() if follow_up_on else "",
                "yes" if follow_up_done else "no",
                "" if hours is None else f"{hours.normalize():f}",
                statuses.get(status, status),
                _when(created_at),
                _when(modified_at),
            ]


def engagements_csv_response(queryset: QuerySet, filename: str) -> StreamingHttpResponse:
    return csv_download(engagement_rows(queryset), filename)
