"""Template helpers for the adviser workspace: ``{% load workspace %}``."""

from __future__ import annotations

import datetime

from django import template

register = template.Library()


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False):
    """A sortable table heading: a link that sorts by ``key``, and aria-sort on the current column.

    Sorting is a plain link with ``?sort=key&dir=asc|desc`` (other filters kept, page reset, by
    Django's ``{% querystring %}``), so it works without JavaScript.
    """
    current = context.get("sort") == key
    descending = bool(context.get("descending"))
    return {
        "key": key,
        "label": label,
        "numeric": numeric,
        "current": current,
        "descending": descending,
        "next_dir": "asc" if current and descending else ("desc" if current else "asc"),
    }


@register.filter
def duration_words(value) -> str:
    """A timedelta (or hours as a number) in words: "1 hour", "30 minutes", "2 hours 30 minutes"."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.timedelta):
        value = datetime.timedelta(hours=float(value))
    minutes = round(value.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@register.filter
def days_ago(days) -> str:
    if days is None:
        return "Never"
    if days == 0:
        return "Today"
    if days == 1:
        return "1 day"
    return f"{days:,} days"
