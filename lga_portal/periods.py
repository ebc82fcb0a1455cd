"""The default period of the pages and API endpoints that count over a period (take-up,
coverage, unmet needs): one definition, so a page and its API answer for the same dates."""

from __future__ import annotations

import datetime


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
