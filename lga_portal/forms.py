"""Form fields shared by the public list pages' filters.

Filters come from the query string of bookmarked and shared links, so a value that is no
longer (or never was) a choice is dropped and the other filters still apply; a filter form
built from these fields is always valid.
"""

from django import forms

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
