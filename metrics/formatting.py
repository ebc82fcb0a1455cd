"""How figures are written on the metrics pages, in chart labels and in the CSV download.

One place, so a figure reads the same in a chart, in the table beside it and in the report.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from lga_portal import dates
from metrics.models import IndicatorUnit

MINUS = "\u2212"  # a true minus sign reads as "minus" in screen readers and lines up with "+"

# Units written after the number; "count" says nothing a reader needs.
_UNIT_WORDS = {unit.value: unit.label for unit in IndicatorUnit if unit.value not in ("count", "percent", "pounds")}


def plain_number(value: Decimal | float | int) -> str:
    """A number without trailing zeros and without grouping: 45.00 → "45", 12.50 → "12.5"."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def format_number(value: Decimal | float | int | None) -> str:
    """A number with thousands separators and no needless decimals: 15826 → "15,826"."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def format_signed(value: Decimal | float | int | None, suffix: str = "") -> str:
    """A change with its sign: +12, −7, 0 (with an optional suffix such as " pp")."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if number > 0:
        return f"+{format_number(number)}{suffix}"
    if number < 0:
        return f"{MINUS}{format_number(-number)}{suffix}"
    return f"0{suffix}"


def format_percent(value: Decimal | float | int | None) -> str:
    return "" if value is None else f"{format_number(value)}%"


def change_words(change: Decimal | float | int | None, unit: str = "percentage points") -> str:
    """A change in words: "up 12 percentage points", "down 7 …", "no change"."""
    if change is None:
        return ""
    number = Decimal(str(change))
    if number == 0:
        return "no change"
    single = unit[:-1] if unit.endswith("s") and abs(number) == 1 else unit
    return f"{'up' if number > 0 else 'down'} {format_number(abs(number))} {single}"


# Dates are written by lga_portal.dates, the one place that knows how exactly each is known.
format_date = dates.format_day
format_short_date = dates.format_short_day
format_period = dates.format_day_span


def format_span(start: datetime.date | None, end: datetime.date) -> str:
    """When a figure applies: "June 2020" for a whole month, "1 April to 30 September 2020", or the day."""
    return dates.format_span(start, end)


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: "Councils receiving support" → "councils receiving support".

    The first letter is lowered only when the name opens with an ordinary word followed by
    another lower-case word, so names that start with an acronym or a proper name ("LG Inform
    page views", "COVID-19 …", "Social Work Together …") keep their capitals.
    """
    words = name.split()
    if not words or not words[0][:1].isupper() or not words[0][1:].replace("-", "").islower():
        return name
    if len(words) > 1 and not words[1][:1].islower():
        return name
    return name[0].lower() + name[1:]


def indicator_value(value: Decimal | None, unit: str, qualifier: str = "") -> str:
    """An indicator figure as the reports write it: "over 45 councils", "94%", "299–430 attendees".

    The qualifier is the published hedge. When it holds digits ("299–430", "150+") it is the
    figure as published and replaces the stored value (the lower bound); a part in brackets
    ("over (monthly average)") goes after the unit.
    """
    if value is None:
        return ""
    qualifier = (qualifier or "").strip()
    trailing = ""
    bracketed = re.search(r"\s*\(([^)]*)\)\s*$", qualifier)
    if bracketed:
        trailing = f" ({bracketed.group(1)})"
        qualifier = qualifier[: bracketed.start()].strip()
    if re.search(r"\d", qualifier):
        number, qualifier = qualifier, ""
    elif unit == IndicatorUnit.POUNDS:
        number = f"£{format_number(value)}"
    else:
        number = format_number(value)
    if unit == IndicatorUnit.PERCENT:
        number = f"{number}%"
    text = number
    if unit in _UNIT_WORDS:
        text = f"{text} {_UNIT_WORDS[unit]}"
    if qualifier == "a third":
        text = f"a third ({text})"
    elif qualifier == "projected":
        text = f"{text} (projected)"
    elif qualifier:
        text = f"{qualifier} {text}"
    return text + trailing


def indicator_change(change: Decimal | None, unit: str) -> str:
    """Change since the previous observation, with its unit: "+16 councils", "no change"."""
    if change is None:
        return ""
    if Decimal(change) == 0:
        return "no change"
    if unit == IndicatorUnit.PERCENT:
        return format_signed(change, " percentage points")
    if unit == IndicatorUnit.POUNDS:
        signed = format_signed(change)
        return f"{signed[0]}£{signed[1:]}"
    words = _UNIT_WORDS.get(unit)
    return format_signed(change) + (f" {words}" if words else "")
