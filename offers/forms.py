"""The catalogue's search and filter form (a GET form: every filtered list is a shareable link)."""

from __future__ import annotations

from django import forms

from lga_portal import page_cache
from lga_portal.forms import FilterChoiceField, FilterMultipleChoiceField, SearchField
from offers.models import SEARCH_MAX_LENGTH, Audience, Delivery, Format, OfferStatus, PublicationKind, Theme
from offers.selectors import SORT_CHOICES, SORT_RELEVANCE

# Query-string names, in the order a link lists them (DESIGN.md's URL contract).
FILTER_NAMES = ("theme", "audience", "format", "status", "delivery")


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The themes, audiences and formats to filter by: one query each, on short reference tables.

    Kept until the catalogue's version moves on (any edit of them moves it), so a catalogue page
    need not read them again.
    """
    return {
        "theme": list(Theme.objects.order_by("order", "name").values_list("slug", "name")),
        "audience": list(Audience.objects.enabled().values_list("slug", "name")),
        "format": list(Format.objects.enabled().values_list("slug", "name")),
    }


class CatalogueFilterForm(forms.Form):
    """Search words, filters and sort order for /offers/. Always valid: bad values are dropped."""

    q = SearchField(max_chars=SEARCH_MAX_LENGTH, label="Search support offers")
    theme = FilterMultipleChoiceField(label="Theme")
    audience = FilterMultipleChoiceField(label="Who it is for")
    format = FilterMultipleChoiceField(label="Format")
    status = FilterMultipleChoiceField(label="Status", choices=OfferStatus.choices)
    delivery = FilterMultipleChoiceField(label="Delivery", choices=Delivery.choices)
    sort = FilterChoiceField(label="Sort by", choices=SORT_CHOICES)
    # "Search instead for …": the words as typed, not corrected again.
    exact = FilterChoiceField(label="Search exactly as typed", choices=[("1", "Yes")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = page_cache.per_version(page_cache.CATALOGUE, "catalogue-filter-choices", _filter_choices)
        for name, field_choices in choices.items():
            self.fields[name].choices = field_choices

    def clean(self):
        data = super().clean()
        if not data.get("q"):
            # "Best match" only means something when searching.
            self.fields["sort"].choices = [choice for choice in SORT_CHOICES if choice[0] != SORT_RELEVANCE]
            if data.get("sort") == SORT_RELEVANCE:
                data["sort"] = ""
        return data

    def catalogue_filters(self) -> dict:
        """Keyword arguments for ``offers.selectors.offer_catalogue``."""
        data = self.cleaned_data
        return {
            "q": data["q"],
            "themes": data["theme"],
            "audiences": data["audience"],
            "formats": data["format"],
            "statuses": data["status"],
            "deliveries": data["delivery"],
            "sort": data["sort"],
            "exact": data["exact"] == "1",
        }

    @property
    def is_searching(self) -> bool:
        return bool(self.cleaned_data["q"])

    @property
    def has_filters(self) -> bool:
        return any(self.cleaned_data[name] for name in FILTER_NAMES)

    def selected(self, name: str) -> list[tuple[str, str]]:
        """(value, label) of the choices picked for one filter."""
        labels = dict(self.fields[name].choices)
        return [(value, labels[value]) for value in self.cleaned_data[name]]


class PublicationFilterForm(forms.Form):
    """Search words and filters for /publications/. Always valid: bad values are dropped."""

    q = SearchField(max_chars=SEARCH_MAX_LENGTH, label="Search publications")
    theme = FilterMultipleChoiceField(label="Theme")
    kind = FilterMultipleChoiceField(label="Kind of publication", choices=PublicationKind.choices)

    NAMES = ("q", "theme", "kind")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = list(Theme.objects.order_by("order", "name").values_list("slug", "name"))

    @property
    def has_filters(self) -> bool:
        return bool(self.cleaned_data["theme"] or self.cleaned_data["kind"])
