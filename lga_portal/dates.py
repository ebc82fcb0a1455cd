"""Dates as the portal writes them, saying no more than the sources do.

A date the documents give to the day is written as a day ("12 November 2020", GOV.UK style);
one they give only as a month ("in July") as the month; one a document implies without stating
("from about June/July") as "around July 2020"; and one that only falls somewhere within the
period a document covers as that period ("March to September 2020"). Each dated row stores its
date with a ``DatePrecision``; every page, report and download writes it through this module.
"""

from __future__ import annotations

import datetime

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day (the source gives the day)"
    MONTH = "month", "Month (the source gives only the month)"
    AROUND = "around", "Approximate (around that month)"
    PERIOD = "period", "Period only (sometime in the period the source covers)"


def format_day(day: datetime.date | None) -> str:
    """ "12 November 2020" (no leading zero, full month name)."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def format_short_day(day: datetime.date | None) -> str:
    return "" if day is None else f"{day.day} {day:%b %Y}"


def format_month(day: datetime.date | None) -> str:
    """ "November 2020"."""
    return "" if day is None else f"{day:%B %Y}"


def format_day_span(start: datetime.date, end: datetime.date) -> str:
    """ "1 March to 30 September 2020", or with both years when they differ."""
    if start.year == end.year:
        return f"{start.day} {start:%B} to {format_day(end)}"
    return f"{format_day(start)} to {format_day(end)}"


def format_month_span(start: datetime.date | None, end: datetime.date) -> str:
    """ "March to September 2020", "December 2019 to November 2020", "June 2020"; "to November 2020"
    when the start is not known."""
    if start is None:
        return f"to {format_month(end)}"
    if (start.year, start.month) == (end.year, end.month):
        return format_month(end)
    if start.year == end.year:
        return f"{start:%B} to {format_month(end)}"
    return f"{format_month(start)} to {format_month(end)}"


Period = tuple[datetime.date | None, datetime.date]


def format_date(day: datetime.date | None, precision: str = DatePrecision.DAY, *, period: Period | None = None) -> str:
    """A date written no more exactly than it is known.

    ``period`` is the (start, end) of the document a period-only date comes from; without it a
    period-only date is written "by <month of the date>" (the date being the period's end).
    """
    if day is None:
        return ""
    if precision == DatePrecision.MONTH:
        return format_month(day)
    if precision == DatePrecision.AROUND:
        return f"around {format_month(day)}"
    if precision == DatePrecision.PERIOD:
        if period is not None and period[1] is not None:
            return format_month_span(*period)
        return f"by {format_month(day)}"
    return format_day(day)


def format_span(
    start: datetime.date | None,
    end: datetime.date,
    precision: str = DatePrecision.DAY,
    *,
    period: Period | None = None,
) -> str:
    """When something applies, from ``start`` (if any) to ``end``, no more exactly than known.

    A whole calendar month is written as the month ("June 2020"); a span whose ends are only
    known to the month as months ("April to September 2020"); a period-only date as the period
    of its document. Without a start, the end is written as ``format_date`` would.
    """
    if start is None or start == end:
        return format_date(end, precision, period=period)
    if precision in (DatePrecision.MONTH, DatePrecision.AROUND, DatePrecision.PERIOD):
        text = format_month_span(start, end)
        return f"around {text}" if precision == DatePrecision.AROUND else text
    if start.day == 1 and is_month_end(end) and (start.year, start.month) == (end.year, end.month):
        return format_month(end)
    return format_day_span(start, end)


def is_month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).day == 1
