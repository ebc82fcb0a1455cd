"""Filter types the apps' filtersets share: strict booleans and dates within a sane range.

django-filter quietly ignores a boolean it cannot read; the API refuses it instead, so a
typo never returns an unfiltered list that looks filtered.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django_filters.conf import settings as filter_settings
from django_filters.fields import BaseCSVField, ModelMultipleChoiceField, MultipleChoiceField

BOOLEAN_INVALID = "Enter true or false."
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
DATE_OUT_OF_RANGE = f"Enter a date from {EARLIEST_YEAR} to {LATEST_YEAR}."


class StrictBooleanField(forms.Field):
    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(BOOLEAN_INVALID, code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """``true``/``false`` (or 1/0); anything else is a 400."""

    field_class = StrictBooleanField


def _check_year(value):
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(DATE_OUT_OF_RANGE, code="out_of_range")
    return value


class BoundedDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]

    def clean(self, value):
        return _check_year(super().clean(value))


class BoundedDateTimeField(forms.DateTimeField):
    def clean(self, value):
        return _check_year(super().clean(value))


class DateFilter(django_filters.DateFilter):
    """An ISO date (YYYY-MM-DD) from 1900 to 2100."""

    field_class = BoundedDateField


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (a date alone means its midnight, London time), 1900 to 2100."""

    field_class = BoundedDateTimeField


def parse_date_param(value: str | None, name: str, errors: dict, default: datetime.date | None = None):
    """Read a YYYY-MM-DD query parameter for views without a filterset; collect errors by name."""
    if value in (None, ""):
        return default
    try:
        return BoundedDateField().clean(value)
    except forms.ValidationError as error:
        errors[name] = list(error.messages)
        return None


NULL_CHARACTER = "Null characters are not allowed."
INVALID_CHOICE = "Select a valid choice: one of the values is not one of the available choices."


def _given(values):
    """Values of a repeatable parameter, leaving out empty ones (``?theme=`` means no theme filter)."""
    return [item for item in (values or []) if item not in ("", None)]


class ChoicesField(MultipleChoiceField):
    def clean(self, value):
        return super().clean(_given(value))


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """One of fixed choices; repeat for any of several. An unknown value is a 400."""

    field_class = ChoicesField

    def __init__(self, *args, **kwargs):
        # A column of the row itself cannot repeat rows, so no SELECT DISTINCT (a cost on long lists).
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ListedChoiceIterator(ModelChoiceIterator):
    """A page's choices read as one list: Django's iterator reads them through ``iterator()``, a
    server-side cursor on PostgreSQL (declare, fetch, close: three round trips) for a few dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class RelatedChoiceField(ModelMultipleChoiceField):
    iterator = ListedChoiceIterator

    def clean(self, value):
        value = _given(value)
        # The database would refuse these with an error rather than match nothing.
        if any("\x00" in str(item) for item in value):
            raise forms.ValidationError(NULL_CHARACTER, code="null_characters_not_allowed")
        try:
            return super().clean(value)
        except OverflowError:  # an id too big for the database's integers
            raise forms.ValidationError(INVALID_CHOICE, code="invalid_choice") from None


class RelatedFilter(django_filters.ModelMultipleChoiceFilter):
    """Related records named by a readable key (``to_field_name``: a slug, a GSS code), matched by
    the records themselves; repeat the parameter for any of several. An unknown key is a 400.

    django-filter would compare the key with the foreign key's id; this compares records.
    """

    field_class = RelatedChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, v):
        name = self.field_name
        if self.lookup_expr != filter_settings.DEFAULT_LOOKUP_EXPR:
            name = f"{name}__{self.lookup_expr}"
        return {name: v}


EMPTY_LIST_ITEM = "Leave no empty value between commas."


class StrictCSVField(BaseCSVField):
    def clean(self, value):
        if value and any(item in (None, "") for item in value):
            raise forms.ValidationError(EMPTY_LIST_ITEM, code="invalid")
        return super().clean(value)


class OrderingFilter(django_filters.OrderingFilter):
    """``ordering=field`` or ``-field``, several separated by commas; an unknown field is a 400."""

    base_field_class = StrictCSVField
