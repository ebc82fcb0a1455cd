"""Calendar months and quarters, for every figure reported by period (coverage and take-up in the
metrics pages, this quarter and last on the workspace dashboard and in the digests), and the
default period of the pages and API endpoints that count over one (take-up, coverage, unmet
needs): one definition, so a page and its API answer for the same dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

PERIODS = ("month", "quarter")


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str


@dataclass(frozen=True)
class Quarter(Period):
    """A whole calendar quarter (``quarter_of``)."""

    def previous(self) -> Quarter:
        return quarter_of(self.start - datetime.timedelta(days=1))


def period_start(day: datetime.date, period: str) -> datetime.date:
    """The first day of the calendar month or quarter containing ``day``."""
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def next_period_start(start: datetime.date, period: str) -> datetime.date:
    """The first day of the month or quarter after the one starting on ``start``."""
    months = 1 if period == "month" else 3
    month = start.month - 1 + months
    return datetime.date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start: datetime.date, period: str) -> str:
    """ "Feb 2025" for a month, "2025 Q1" for a quarter."""
    if period == "month":
        return f"{start:%b %Y}"
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def periods_between(start: datetime.date, end: datetime.date, period: str) -> list[Period]:
    """Calendar months or quarters overlapping ``start``–``end``, clipped to it."""
    out = []
    current = period_start(start, period)
    while current <= end:
        following = next_period_start(current, period)
        out.append(
            Period(max(current, start), min(following - datetime.timedelta(days=1), end), period_label(current, period))
        )
        current = following
    return out


def quarter_of(day: datetime.date) -> Quarter:
    """The calendar quarter containing ``day``."""
    start = period_start(day, "quarter")
    end = next_period_start(start, "quarter") - datetime.timedelta(days=1)
    return Quarter(start, end, period_label(start, "quarter"))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_four_quarters(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The current calendar quarter so far and the three before it."""
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    return months_before(quarter_start, 9), today


# The default period, from today's date.
default_period = last_four_quarters
