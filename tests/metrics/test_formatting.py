"""Figures are written the way the highlights reports write them."""

import datetime
from decimal import Decimal

import pytest

from metrics.formatting import (
    change_words,
    format_number,
    format_period,
    format_signed,
    format_span,
    in_sentence,
    indicator_change,
    indicator_value,
    plain_number,
)


def test_numbers():
    assert format_number(Decimal("15826.00")) == "15,826"
    assert format_number(Decimal("12.50")) == "12.5"
    assert plain_number(Decimal("45.00")) == "45"
    assert plain_number(Decimal("-2.50")) == "-2.5"
    assert format_signed(Decimal(12)) == "+12"
    assert format_signed(Decimal(-7)) == "\u22127"
    assert format_signed(Decimal(0), " pp") == "0 pp"
    assert change_words(Decimal(12)) == "up 12 percentage points"
    assert change_words(Decimal(-1)) == "down 1 percentage point"
    assert change_words(Decimal(0)) == "no change"


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "expected"),
    [
        (Decimal(45), "councils", "over", "over 45 councils"),
        (Decimal(94), "percent", "", "94%"),
        (Decimal(299), "attendees", "299–430", "299–430 attendees"),
        (Decimal(150), "examples", "150+", "150+ examples"),
        (Decimal(200000), "page_views", "over (monthly average)", "over 200,000 page views (monthly average)"),
        (Decimal(430000), "pounds", "projected", "£430,000 (projected)"),
        (Decimal(33), "percent", "a third", "a third (33%)"),
        (Decimal(2500), "count", "", "2,500"),
    ],
)
def test_indicator_values_read_as_published(value, unit, qualifier, expected):
    assert indicator_value(value, unit, qualifier) == expected


def test_indicator_changes_carry_their_unit():
    assert indicator_change(Decimal(16), "councils") == "+16 councils"
    assert indicator_change(Decimal(-22000), "page_views") == "\u221222,000 page views"
    assert indicator_change(Decimal(0), "councils") == "no change"
    assert indicator_change(Decimal(5), "percent") == "+5 percentage points"
    assert indicator_change(Decimal(1000), "pounds") == "+£1,000"
    assert indicator_change(None, "councils") == ""


def test_periods():
    assert format_period(datetime.date(2020, 3, 1), datetime.date(2020, 9, 30)) == "1 March to 30 September 2020"
    assert format_period(datetime.date(2019, 3, 1), datetime.date(2020, 9, 30)) == "1 March 2019 to 30 September 2020"


def test_when_a_figure_applies():
    D = datetime.date
    assert format_span(None, D(2020, 9, 30)) == "30 September 2020"
    assert format_span(D(2020, 7, 15), D(2020, 7, 15)) == "15 July 2020"
    assert format_span(D(2020, 6, 1), D(2020, 6, 30)) == "June 2020"
    assert format_span(D(2020, 6, 2), D(2020, 6, 30)) == "2 June to 30 June 2020"
    assert format_span(D(2020, 4, 1), D(2020, 9, 30)) == "1 April to 30 September 2020"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Councils receiving bespoke support", "councils receiving bespoke support"),
        ("One-to-one meetings with chief executives", "one-to-one meetings with chief executives"),
        ("Leaders saying LGA support had a positive impact", "leaders saying LGA support had a positive impact"),
        ("LG Inform page views per month", "LG Inform page views per month"),
        ("COVID-19 supply chain bulletin", "COVID-19 supply chain bulletin"),
        ("Remote Council Meetings Hub views", "Remote Council Meetings Hub views"),
        ("Social Work Together expressions of interest", "Social Work Together expressions of interest"),
        ("CommsNet bulletin open rates", "CommsNet bulletin open rates"),
    ],
)
def test_names_inside_a_sentence_keep_their_acronyms_and_proper_names(name, expected):
    assert in_sentence(name) == expected
