"""Template helpers for the adviser workspace: ``{% load workspace %}``."""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False):
    """A sortable table heading: a link that sorts by ``key``, and aria-sort on the current column.

    Sorting is a plain link with ``?sort=key&dir=asc|desc`` (other filters kept, page reset),
    so it works without JavaScript.
    """
    request = context["request"]
    current = context.get("sort") == key
    descending = bool(context.get("descending"))
    params = request.GET.copy()
    params.pop("page", None)
    params["sort"] = key
    params["dir"] = "asc" if current and descending else ("desc" if current else "asc")
    css = "govuk-table__header" + (" govuk-table__header--numeric" if numeric else "")
    if current:
        state = "descending" if descending else "ascending"
        arrow = "▼" if descending else "▲"
        return format_html(
            '<th scope="col" class="{}" aria-sort="{}"><a class="govuk-link app-sort-link" href="?{}">{}'
            ' <span aria-hidden="true">{}</span></a></th>',
            css,
            state,
            params.urlencode(),
            label,
            arrow,
        )
    return format_html(
        '<th scope="col" class="{}"><a class="govuk-link app-sort-link" href="?{}">{}</a></th>',
        css,
        params.urlencode(),
        label,
    )


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
