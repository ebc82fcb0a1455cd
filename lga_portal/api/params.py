"""Query parameters shared by the aggregate endpoints: a period from one date to another."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from lga_portal.api.filters import DATE_OUT_OF_RANGE, EARLIEST_YEAR, LATEST_YEAR
from lga_portal.periods import default_period

MAX_PERIOD_YEARS = 25
PERIOD_REVERSED = "The start of the period must be on or before its end."
PERIOD_TOO_LONG = f"The period can be at most {MAX_PERIOD_YEARS} years long."


class BoundedDateField(serializers.DateField):
    def __init__(self, **kwargs):
        super().__init__(input_formats=["iso-8601"], **kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise serializers.ValidationError(DATE_OUT_OF_RANGE)
        return day


class PeriodParamsSerializer(serializers.Serializer):
    """``from`` and ``to`` (inclusive); by default the pages' default period (``lga_portal.periods``):
    the current quarter so far and the three before it."""

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = BoundedDateField(
            required=False,
            help_text="First day of the period (YYYY-MM-DD); default the start of the quarter three quarters "
            "before `to`'s, so that by default the period is the current quarter so far and the three before it, "
            "as on the pages.",
        )
        fields["to"] = BoundedDateField(required=False, help_text="Last day of the period (YYYY-MM-DD); default today.")
        return fields

    def validate(self, attrs):
        end = attrs.get("to") or timezone.localdate()
        start = attrs.get("from") or default_period(end)[0]
        if start > end:
            raise serializers.ValidationError({"from": [PERIOD_REVERSED]})
        if end.year - start.year > MAX_PERIOD_YEARS:
            raise serializers.ValidationError({"from": [PERIOD_TOO_LONG]})
        return {**attrs, "from": start, "to": end}


def read_params(serializer_class, request) -> dict:
    """Validate a view's query parameters; 400 naming each bad one. Empty means not given."""
    serializer = serializer_class(data={k: v for k, v in request.query_params.items() if v != ""})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
