"""Template helpers for the adviser workspace: ``{% load workspace %}``."""

from __future__ import annotations

import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_COUNCIL_ROW = """<tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{url}">{name}</a>{abolished}</th>
      {scope}
      <td class="govuk-table__cell">{last}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric app-numeric">{days}</td>
      <td class="govuk-table__cell">{quarter}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric app-numeric">{follow_ups}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric app-numeric">{requests}</td>
    </tr>"""
_ABOLISHED = SafeString(' <strong class="govuk-tag govuk-tag--grey">Abolished</strong>')
_NEVER_ENGAGED = SafeString('<span class="govuk-visually-hidden">Never engaged</span>–')
_ENGAGED = SafeString('<strong class="govuk-tag govuk-tag--green">Engaged</strong>')
_NOT_YET = SafeString('<strong class="govuk-tag govuk-tag--red">Not yet</strong>')


@register.simple_tag
def council_row(council, manager: bool) -> SafeString:
    """One row of the dashboard's table of councils (``dashboard_selectors.dashboard_councils``).

    Written here, not in the template: the template's tags and filters, cell by cell, took more
    than half the time of rendering the manager's dashboard (fifty rows of eight cells), twice
    what this takes. The same HTML as the template wrote.
    """
    scope = (
        format_html(
            '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>',
            council.region_name,
            council.adviser_name or "None",
        )
        if manager
        else ""
    )
    return format_html(
        _COUNCIL_ROW,
        url=reverse("workspace:council_timeline", args=[council.slug]),
        name=council.name,
        abolished="" if council.is_active else _ABOLISHED,
        scope=scope,
        last=date_format(council.last_engaged_on, "j M Y") if council.last_engaged_on else "Never",
        days=intcomma(council.days_since) if council.days_since is not None else _NEVER_ENGAGED,
        quarter=_ENGAGED if council.engaged_this_quarter else _NOT_YET,
        follow_ups=localize(council.open_follow_ups),
        requests=localize(council.new_requests),
    )


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
