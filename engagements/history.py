"""What changed in an engagement, read from its history: one diff and one way of saying each value.

The engagement page's history and the message a stale save gets ("what changed since you
opened it") both come from ``engagement_changes``, which asks django-simple-history for the
difference between two versions (``diff_against``, links to roles, offers and themes
included, as ``Engagement.history`` records them) and words each value the same way.
Private notes appear only to those who may read them: neither their text nor that they
changed is shown to anyone else.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils import timezone

from engagements.models import Adviser, ContactRole, Council, Engagement
from offers.models import Offer, Theme

# What the history shows, in the form's order: the engagement's fields, then its links.
FIELDS = (
    "council",
    "adviser",
    "date",
    "kind",
    "channel",
    "status",
    "summary",
    "private_notes",
    "follow_up_on",
    "follow_up_done",
    "hours",
    "archived_at",
)
LINKS = ("roles", "offers", "themes")
LABELS = {"roles": "Whom it was with", "offers": "Offers", "themes": "Support needs"}
PRIVATE_NOTES = "private_notes"
NONE = "none"
# The models whose names the history shows, by field.
NAMED = {"council": Council, "adviser": Adviser, "roles": ContactRole, "offers": Offer, "themes": Theme}


class Change(NamedTuple):
    label: str
    before: str  # "" in the entry that logged the engagement
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str  # "Logged", "Changed", "Archived"
    changes: list[Change]


def label(name: str) -> str:
    return LABELS.get(name) or str(Engagement._meta.get_field(name).verbose_name).capitalize()


def _shown(show_private_notes: bool) -> list[str]:
    return [name for name in (*FIELDS, *LINKS) if show_private_notes or name != PRIVATE_NOTES]


def _linked_ids(name: str, rows: list[dict]) -> list[int]:
    """The ids of the records linked through ``name``, from the link rows a diff gives."""
    target = Engagement._meta.get_field(name).m2m_reverse_field_name()
    return [row[target] for row in rows]


class _Names:
    """The names of the councils, advisers, roles, offers and themes some changes mention: one
    query per kind of record mentioned, however many changes mention them."""

    def __init__(self, deltas: Iterable) -> None:
        wanted: dict[str, set[int]] = {name: set() for name in NAMED}
        for delta in deltas:
            for change in delta.changes:
                if change.field in LINKS:
                    wanted[change.field].update(_linked_ids(change.field, change.old + change.new))
                elif change.field in NAMED:
                    wanted[change.field].update(pk for pk in (change.old, change.new) if pk is not None)
        self.names = {
            name: {obj.pk: str(obj) for obj in NAMED[name].objects.filter(pk__in=ids)} if ids else {}
            for name, ids in wanted.items()
        }

    def __call__(self, name: str, pk: int) -> str:
        return self.names[name].get(pk, f"#{pk}")


def describe(name: str, value: Any, names: _Names) -> str:
    """A field's value at one version, as the history and the conflict message show it."""
    if name in LINKS:
        return ", ".join(sorted(names(name, pk) for pk in _linked_ids(name, value))) or NONE
    if value in (None, ""):
        return NONE
    if name in NAMED:
        return names(name, value)
    field = Engagement._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%-d %B %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def _blank(record):
    """A version with nothing in it and no links, to diff the first version against."""
    return type(record)(**{Engagement._meta.get_field(name).attname: None for name in FIELDS})


def _diff(new, old, *, show_private_notes: bool):
    return new.diff_against(old, included_fields=_shown(show_private_notes))


def _changes(delta, names: _Names, *, logged: bool = False) -> list[Change]:
    """The delta's changes in the form's order; for the version that logged the engagement, its
    values (those given: an empty field or an unticked box is left out)."""
    by_field = {change.field: change for change in delta.changes}
    changes = []
    for name in (*FIELDS, *LINKS):
        change = by_field.get(name)
        if change is None:
            continue
        if logged:
            if change.new in (None, "", False, []):
                continue
            changes.append(Change(label(name), "", describe(name, change.new, names)))
        else:
            changes.append(Change(label(name), describe(name, change.old, names), describe(name, change.new, names)))
    return changes


def engagement_changes(old, new, *, show_private_notes: bool) -> list[Change]:
    """What changed from the history record ``old`` to the history record ``new``."""
    delta = _diff(new, old, show_private_notes=show_private_notes)
    return _changes(delta, _Names([delta]))


def engagement_changes_since(engagement: Engagement, version: int, *, show_private_notes: bool) -> list[Change]:
    """What others changed in ``engagement`` since ``version`` (the version a writer saw): the
    difference between that version's record and the latest one."""
    records = engagement.history.order_by("-history_date", "-history_id")
    seen = records.filter(version=version).first()
    latest = records.first()
    if seen is None or latest is None:
        return []
    return engagement_changes(seen, latest, show_private_notes=show_private_notes)


def _who(record) -> str:
    user = record.history_user
    return (user.get_full_name() or user.get_username()) if user else "Imported or system"


def _action(previous, record) -> str:
    if previous is None:
        return "Logged"
    if previous.archived_at is None and record.archived_at is not None:
        return "Archived"
    return "Changed"


def engagement_history(engagement: Engagement, *, show_private_notes: bool) -> list[HistoryEntry]:
    """Every recorded change to ``engagement``, newest first: who, when and what changed.

    Each version is diffed against the one before (the first against an empty one). The
    queries: one for the versions and their authors; six per version, as simple-history reads
    the roles, offers and themes linked at both versions it compares; one per kind of record
    whose names are shown. An engagement is saved a handful of times, so its history is short.
    """
    records: Sequence = list(engagement.history.select_related("history_user").order_by("history_date", "history_id"))
    pairs = list(zip([None, *records], records, strict=False))
    deltas = [
        _diff(record, previous if previous is not None else _blank(record), show_private_notes=show_private_notes)
        for previous, record in pairs
    ]
    names = _Names(deltas)
    entries = [
        HistoryEntry(record.history_date, _who(record), _action(previous, record), _changes(delta, names, logged=not i))
        for i, ((previous, record), delta) in enumerate(zip(pairs, deltas, strict=True))
    ]
    entries.reverse()
    return entries
