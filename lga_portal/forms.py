"""Form fields shared across the portal: the public list pages' filters, and the GOV.UK date input.

Filters come from the query string of bookmarked and shared links, so a value that is no
longer (or never was) a choice is dropped and the other filters still apply; a filter form
built from these fields is always valid.

``GovukDateField`` asks for a date as GOV.UK does, in three boxes (day, month, year), rather
than through the browser's date picker, whose look and order follow the browser's language
and which is slow to use by keyboard. Its messages follow the GOV.UK pattern ("Date of the
engagement must include a month").
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

# Characters the database refuses in a string (PostgreSQL rejects NUL outright).
_UNSAFE = str.maketrans("", "", "\x00")


class SearchField(forms.CharField):
    """Free text to search for: NUL characters removed, white space collapsed, cut to ``max_chars``."""

    def __init__(self, *, max_chars: int, **kwargs):
        self.max_chars = max_chars
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return " ".join(text.translate(_UNSAFE).split())[: self.max_chars]


class FilterChoiceField(forms.ChoiceField):
    """One choice, or "" when the value is missing or unknown."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = self.to_python(value)
        return value if value and self.valid_value(value) else ""


class FilterMultipleChoiceField(forms.MultipleChoiceField):
    """Any number of choices (checkboxes); unknown and repeated values are dropped."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return list(dict.fromkeys(str(v) for v in values if self.valid_value(str(v))))


# The GOV.UK date input's messages; ``{name}`` is the field's name in a sentence, capitalised
# ("Date of the engagement"), ``{parts}`` what is missing ("a month", "a day and year").
DATE_MISSING = "Enter the {lower_name}."
DATE_MUST_INCLUDE = "{name} must include {parts}."
DATE_MUST_BE_REAL = "{name} must be a real date."
DATE_PARTS = ("day", "month", "year")

# A date given as one value (an old form, a script): 2025-03-27, 27/3/2025, 27-3-2025.
_ONE_VALUE = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (2, 1, 0)),
    (re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})$"), (0, 1, 2)),
]


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes, laid out as GOV.UK Frontend's date input.

    The field tells it which boxes to mark as wrong (``error_parts``). A date posted as one
    value under the field's own name is split into its parts, so older forms and scripts
    that send ``date=2025-03-27`` still work.
    """

    def __init__(self, attrs=None):
        boxes = {part: forms.TextInput() for part in DATE_PARTS}
        super().__init__(boxes, attrs)
        self.error_parts: set[str] = set()

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str):
            return split_date(value)
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        if all(f"{name}_{part}" not in data for part in DATE_PARTS) and data.get(name):
            return split_date(str(data.get(name)))
        return [str(data.get(f"{name}_{part}", "") or "") for part in DATE_PARTS]

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part in DATE_PARTS)

    def id_for_label(self, id_):
        part = next((p for p in DATE_PARTS if p in self.error_parts), "day")
        return f"{id_}_{part}" if id_ else id_

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, list | tuple) else self.decompress(value)
        attrs = {**self.attrs, **(attrs or {})}
        id_ = attrs.get("id") or f"id_{name}"
        widths = {"day": 2, "month": 2, "year": 4}
        items = []
        for part, part_value in zip(DATE_PARTS, values, strict=False):
            css = f"govuk-input govuk-date-input__input govuk-input--width-{widths[part]}"
            if part in self.error_parts:
                css += " govuk-input--error"
            items.append((f"{id_}_{part}", part.capitalize(), css, f"{id_}_{part}", f"{name}_{part}", part_value or ""))
        inputs = format_html_join(
            "\n",
            '<div class="govuk-date-input__item"><div class="govuk-form-group">'
            '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
            '<input class="{}" id="{}" name="{}" type="text" inputmode="numeric" value="{}">'
            "</div></div>",
            items,
        )
        return format_html('<div class="govuk-date-input" id="{}">{}</div>', id_, inputs)


def split_date(text: str) -> list[str]:
    """["27", "3", "2025"] from "2025-03-27" or "27/3/2025"; the text as the day if it is neither."""
    text = text.strip()
    for pattern, order in _ONE_VALUE:
        if match := pattern.match(text):
            groups = match.groups()
            return [groups[order[0]], groups[order[1]], groups[order[2]]]
    return [text, "", ""] if text else ["", "", ""]


class GovukDateField(forms.MultiValueField):
    """A date asked for in three boxes (``GovukDateInput``), with one GOV.UK-style message.

    ``name`` is how messages call the date ("Date of the engagement", "Follow-up date").
    A missing part says which ("must include a month"), a date that does not exist (31 February,
    a two-digit year, letters) "must be a real date"; a required date left empty gets
    ``error_messages["required"]`` (default "Enter the date of the engagement.").
    """

    widget = GovukDateInput

    def __init__(self, *, name: str, **kwargs):
        self.date_name = name
        error_messages = {"required": DATE_MISSING.format(lower_name=name[0].lower() + name[1:])}
        error_messages.update(kwargs.pop("error_messages", None) or {})
        fields = tuple(forms.CharField(required=False) for _ in DATE_PARTS)
        super().__init__(fields, require_all_fields=False, error_messages=error_messages, **kwargs)

    def clean(self, value):
        parts = [str(v or "").strip() for v in (value or ["", "", ""])]
        parts += [""] * (3 - len(parts))
        self.widget.error_parts = set()
        if not any(parts):
            if self.required:
                self.widget.error_parts = set(DATE_PARTS)
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [part for part, text in zip(DATE_PARTS, parts, strict=True) if not text]
        if missing:
            self.widget.error_parts = set(missing)
            words = missing[0] if len(missing) == 1 else f"{missing[0]} and {missing[1]}"
            raise ValidationError(DATE_MUST_INCLUDE.format(name=self.date_name, parts=f"a {words}"), code="incomplete")
        try:
            day, month, year = (int(text) for text in parts)
            if len(parts[2]) != 4:
                raise ValueError
            result = datetime.date(year, month, day)
        except ValueError:
            self.widget.error_parts = set(DATE_PARTS)
            raise ValidationError(DATE_MUST_BE_REAL.format(name=self.date_name), code="invalid") from None
        self.run_validators(result)
        return result

    def compress(self, data_list):  # clean() does the work; MultiValueField requires it
        return data_list
