"""One filter stack: django-filter FilterSets that the API applies strictly and pages leniently.

In the API (DRF's ``DjangoFilterBackend``) a value a filter cannot read is a 400 naming the
parameter: a script must never mistake an unfiltered list for a filtered one. A workspace
page applies the same FilterSet through ``for_page``: there such a value is ignored (the
filter takes its default, if it has one) and shown beside its field, so a bookmarked link
with a value that is no longer valid still opens. The page's form is the FilterSet's own
form, with the page's hints instead of the API's help texts and dates typed the ways people
type them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import ClassVar

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Dates as people type them on a page (the API takes YYYY-MM-DD only).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]
DATE_INVALID = "Enter a real date, for example 27/3/2025."


class DateInput(forms.DateInput):
    """A native date input: a calendar where the browser has one, plain text elsewhere."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class OneOf(forms.Select):
    """A drop-down of one choice, whose first option (``any_label``) leaves the filter off.

    As a filter it still reads every value of a repeated parameter (``?region=a&region=b``
    means any of them, as in the API), so the page and the API filter alike.
    """

    def __init__(self, any_label: str | None = None, attrs=None):
        super().__init__(attrs)
        self.any_label = any_label

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def use_required_attribute(self, initial):
        return False  # a filter is never required (and asking would read the choices once more)

    def get_context(self, name, value, attrs):
        # The choices are read once per rendering (a model's, with one query).
        choices = self.choices
        options = [("", self.any_label)] if self.any_label is not None else []
        options.extend(iter(choices))
        self.choices = options
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = choices

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        """The HTML of Django's select template, written here: the template's loops, three for each
        option, took longer than the rest of a page with a drop-down of forty advisers."""
        widget = self.get_context(name, value, attrs)["widget"]
        html = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attributes(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped by format_html


def _attributes(attrs: dict) -> SafeString:
    """An element's attributes as Django's ``attrs.html`` writes them: ``True`` as the bare name,
    ``False`` left out."""
    return mark_safe(  # noqa: S308 - each attribute is escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


class FilterSet(django_filters.FilterSet):
    """A FilterSet for both the API (strict, as DRF's backend applies it) and pages (``for_page``)."""

    # The hint shown under a field on a page (the API's help texts are for scripts).
    page_hints: ClassVar[dict[str, str]] = {}
    # A page's value for a filter that is not given, or given a value it cannot read.
    page_defaults: ClassVar[dict[str, str]] = {}
    # A page's choices for a filter, given the values chosen, where they are narrower than what
    # the filter accepts (e.g. only advisers still in post, and any already chosen).
    page_choices: ClassVar[dict[str, Callable[[list[str]], QuerySet]]] = {}
    on_page = False

    @classmethod
    def only(cls, *names: str) -> type[FilterSet]:
        """This FilterSet with only the filters ``names``, which behave as they do in the whole set.

        For a page that reads a few of the filters: every request copies each filter of the set and
        builds and validates a form field for it, so the manager's dashboard, which takes two of the
        engagements' fourteen, spent more time on those it ignores than on the page's table.
        """
        return _subset(cls, names)

    @classmethod
    def for_page(cls, data: QueryDict, queryset=None, *, request):
        """The filters of a page's query string: values that do not parse are left out (or take
        the filter's default) and the form shows why beside them."""
        data = data.copy()
        for name, default in cls.page_defaults.items():
            if not any(data.getlist(name)):
                data.setlist(name, [default])
        filterset = cls._on_page(data, queryset, request)
        unreadable = [name for name in cls.page_defaults if name in filterset.errors]
        if unreadable:
            for name in unreadable:
                data.setlist(name, [cls.page_defaults[name]])
            filterset = cls._on_page(data, queryset, request)
        return filterset

    @classmethod
    def _on_page(cls, data, queryset, request):
        filterset = cls(data, queryset, request=request)
        filterset.on_page = True
        return filterset

    @property
    def form(self):
        form = super().form
        if self.on_page and not getattr(form, "for_page", False):
            for name, field in form.fields.items():
                field.help_text = self.page_hints.get(name, "")
                if isinstance(field, forms.DateField):
                    field.input_formats = DATE_INPUT_FORMATS
                    field.error_messages["invalid"] = DATE_INVALID
            for name, choices in self.page_choices.items():
                form.fields[name].queryset = choices(self.data.getlist(name))
            form.for_page = True
        return form

    def given(self, *names: str) -> bool:
        """Whether any of the filters ``names`` was given a value it could read."""
        self.errors  # noqa: B018 - validates the form, so cleaned_data exists
        return any(self.form.cleaned_data.get(name) for name in names)


@cache
def _subset(filterset: type[FilterSet], names: tuple[str, ...]) -> type[FilterSet]:
    subset = type(filterset.__name__, (filterset,), {"__module__": filterset.__module__})
    subset.base_filters = {name: filterset.base_filters[name] for name in names}
    for attribute in ("page_hints", "page_defaults", "page_choices"):
        setattr(subset, attribute, {k: v for k, v in getattr(filterset, attribute).items() if k in names})
    return subset
