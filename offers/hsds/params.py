"""The HSDS API's query parameters, as its OpenAPI file lists them for each endpoint.

Read with ``lga_portal.api.params.read_params``: an empty value counts as not given, and every
bad value is a 400 naming its parameter. Identifiers must be UUIDs (every HSDS identifier here
is one), so a mistyped id is refused rather than answered with an empty list that looks right.
"""

from __future__ import annotations

from rest_framework import serializers

from lga_portal.api.filters import BOOLEAN_INVALID, DATE_OUT_OF_RANGE, EARLIEST_YEAR, LATEST_YEAR
from offers.models import SEARCH_MAX_LENGTH

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
PAGE_INVALID = "Enter a page number: a whole number from 1."
PER_PAGE_INVALID = f"Enter a whole number from 1 to {MAX_PER_PAGE}."
UUID_INVALID = "Enter an identifier in UUID form."
SEARCH_TOO_LONG = f"Enter at most {SEARCH_MAX_LENGTH} characters."
DATETIME_INVALID = "Enter a date and time in ISO 8601 form, e.g. 2024-01-31T09:00:00Z."
FORMAT_INVALID = "Enter {choices}."
MINIMAL_AND_FULL = "Ask for minimal or full services, not both."

JSON, NDJSON = "json", "ndjson"


def _format_field(*choices: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        required=False,
        default=JSON,
        error_messages={"invalid_choice": FORMAT_INVALID.format(choices=" or ".join(choices))},
    )


def _uuid_field() -> serializers.UUIDField:
    return serializers.UUIDField(required=False, error_messages={"invalid": UUID_INVALID})


def _boolean_field() -> serializers.BooleanField:
    return serializers.BooleanField(required=False, default=False, error_messages={"invalid": BOOLEAN_INVALID})


class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time (a date alone means its midnight, London time), 1900 to 2100."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": DATETIME_INVALID, "overflow": DATE_OUT_OF_RANGE})
        super().__init__(input_formats=["iso-8601"], **kwargs)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise serializers.ValidationError(DATE_OUT_OF_RANGE)
        return moment


class OneParams(serializers.Serializer):
    """An endpoint answering one record (or the API's root): only ``format=json``."""

    format = _format_field(JSON)


class ListParams(serializers.Serializer):
    """Every HSDS list: ``search``, ``page``, ``per_page`` and ``format`` (json, or ndjson: every
    result, one per line, without paging)."""

    search = serializers.CharField(
        required=False, allow_blank=True, max_length=SEARCH_MAX_LENGTH, error_messages={"max_length": SEARCH_TOO_LONG}
    )
    page = serializers.IntegerField(
        required=False,
        default=1,
        min_value=1,
        error_messages={"invalid": PAGE_INVALID, "min_value": PAGE_INVALID, "max_string_length": PAGE_INVALID},
    )
    per_page = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PER_PAGE,
        error_messages={
            "invalid": PER_PAGE_INVALID,
            "min_value": PER_PAGE_INVALID,
            "max_value": PER_PAGE_INVALID,
            "max_string_length": PER_PAGE_INVALID,
        },
    )
    format = _format_field(JSON, NDJSON)

    def validate(self, attrs):
        attrs.setdefault("per_page", DEFAULT_PER_PAGE)
        return attrs


class ServiceListParams(ListParams):
    """``/services``: the list parameters and the filters, which combine (AND)."""

    taxonomy_term_id = _uuid_field()
    taxonomy_id = _uuid_field()
    organization_id = _uuid_field()
    modified_after = BoundedDateTimeField(required=False)
    minimal = _boolean_field()
    full = _boolean_field()

    def validate(self, attrs):
        if attrs["minimal"] and attrs["full"]:
            raise serializers.ValidationError({"full": [MINIMAL_AND_FULL]})
        # HSDS: "When using [minimal] aim to return all services within one call."
        if attrs["minimal"] and "per_page" not in attrs:
            attrs["per_page"] = MAX_PER_PAGE
        return super().validate(attrs)


class TaxonomyTermListParams(ListParams):
    """``/taxonomy_terms``: the list parameters, a taxonomy, and the hierarchy (flat here)."""

    taxonomy_id = _uuid_field()
    top_only = _boolean_field()
    parent_id = _uuid_field()
