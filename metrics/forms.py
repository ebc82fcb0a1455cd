"""Query-string forms of the metrics pages and the survey upload form.

Every choice a reader makes arrives in the query string, so every one is checked here and
a bad one is answered with a message by the field and in the error summary, never a 500.
"""

from __future__ import annotations

import datetime
import re

from django import forms

from lga_portal.periods import PERIODS
from metrics.selectors import GROUPINGS
from offers.models import Source

MAX_PERIOD_YEARS = 10
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)

# Error messages, imported by the tests.
DATE_INVALID = "Enter the {which} date as a real date in the format YYYY-MM-DD, for example {example}."
DATE_OUT_OF_RANGE = "Enter a {which} date between 1 January 2000 and 31 December 2099."
PERIOD_REVERSED = "The end date must be the same as or after the start date."
PERIOD_TOO_LONG = f"The period can be at most {MAX_PERIOD_YEARS} years long. Choose a later start date."
BASELINE_UNKNOWN = "There is no round %(value)s of this survey. Choose a round from the list."
MEASURE_UNKNOWN = 'This survey has no measure "%(value)s". Choose a measure from the list.'

PERIOD_CHOICES = [("quarter", "Quarter"), ("month", "Month")]
GROUPING_CHOICES = [
    ("", "All councils together"),
    ("region", "Region"),
    ("council_kind", "Kind of council"),
    ("engagement_kind", "Kind of engagement"),
]
assert {value for value, _ in PERIOD_CHOICES} == set(PERIODS)
assert {value for value, _ in GROUPING_CHOICES if value} == set(GROUPINGS)


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def parse_iso_date(value: str) -> datetime.date:
    """A YYYY-MM-DD date (single-digit month and day allowed); ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
    if not match:
        raise ValueError(value)
    return datetime.date(*(int(part) for part in match.groups()))


class PeriodForm(forms.Form):
    """``from`` and ``to`` (YYYY-MM-DD). An empty or missing date takes the page's default."""

    field_order = ["from", "to"]

    def __init__(self, data=None, *, default_start: datetime.date, default_end: datetime.date, **kwargs):
        data = data.copy() if data is not None else {}
        for name, default in (("from", default_start), ("to", default_end)):
            if not str(data.get(name, "")).strip():
                data[name] = default.isoformat()
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.CharField(
            label="From", help_text="For example, 2020-03-01", required=False, strip=True
        )
        self.fields["to"] = forms.CharField(label="To", help_text="For example, 2020-09-30", required=False, strip=True)
        self.order_fields(self.field_order)

    def _clean_date(self, name: str, which: str, example: str) -> datetime.date | None:
        try:
            day = parse_iso_date(self.cleaned_data.get(name, ""))
        except ValueError:
            raise forms.ValidationError(DATE_INVALID.format(which=which, example=example), code="invalid") from None
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise forms.ValidationError(DATE_OUT_OF_RANGE.format(which=which), code="out_of_range")
        return day

    def clean_from(self):
        return self._clean_date("from", "start", "2020-03-01")

    def clean_to(self):
        return self._clean_date("to", "end", "2020-09-30")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date):
            if end < start:
                self.add_error("to", forms.ValidationError(PERIOD_REVERSED, code="reversed"))
            elif end >= years_after(start, MAX_PERIOD_YEARS):
                self.add_error("from", forms.ValidationError(PERIOD_TOO_LONG, code="too_long"))
        return cleaned

    @property
    def start(self) -> datetime.date:
        return self.cleaned_data["from"]

    @property
    def end(self) -> datetime.date:
        return self.cleaned_data["to"]


class CoverageForm(PeriodForm):
    """Period plus how to slice it. Unknown ``period`` or ``by`` values are ignored (defaults)."""

    period = forms.ChoiceField(label="Show coverage by", choices=PERIOD_CHOICES, widget=forms.RadioSelect)
    by = forms.ChoiceField(
        label="Split councils by", choices=GROUPING_CHOICES, widget=forms.RadioSelect, required=False
    )
    field_order = ["from", "to", "period", "by"]

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("period") not in dict(PERIOD_CHOICES):
            data["period"] = "quarter"
        if data.get("by", "") not in dict(GROUPING_CHOICES):
            data["by"] = ""
        super().__init__(data, **kwargs)


class SurveyOptionsForm(forms.Form):
    """The survey page's choices: the baseline round to compare with, and one measure or all."""

    baseline = forms.TypedChoiceField(
        label="Compare each round with",
        coerce=int,
        required=False,
        error_messages={"invalid_choice": BASELINE_UNKNOWN},
    )
    measure = forms.ChoiceField(
        label="Measures shown", required=False, error_messages={"invalid_choice": MEASURE_UNKNOWN}
    )

    def __init__(self, data=None, *, rounds, measures, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["baseline"].choices = [(r.number, f"Round {r.number} ({r.label})") for r in rounds]
        self.fields["measure"].choices = [("", "All measures")] + [(m.slug, m.name) for m in measures]


class SurveyRoundsUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="One row per round. Nothing is imported unless the whole file is correct.",
        error_messages={"required": "Choose a CSV file to upload."},
    )
    source = forms.ModelChoiceField(
        label="Source document (optional)",
        help_text="The publication the figures come from, if it is in the portal.",
        queryset=Source.objects.order_by("-published_on", "title"),
        required=False,
        empty_label="Not recorded",
    )


NEEDS_GROUPING_CHOICES = [("", "Theme only"), ("region", "Region"), ("council_kind", "Kind of council")]


class NeedsForm(PeriodForm):
    """Period plus an optional split of the councils. An unknown ``by`` value is ignored (theme only)."""

    by = forms.ChoiceField(
        label="Split councils by", choices=NEEDS_GROUPING_CHOICES, widget=forms.RadioSelect, required=False
    )
    field_order = ["from", "to", "by"]

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("by", "") not in dict(NEEDS_GROUPING_CHOICES):
            data["by"] = ""
        super().__init__(data, **kwargs)
