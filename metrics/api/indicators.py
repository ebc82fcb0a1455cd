"""Headline indicators and their dated observations: public, read-only."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from lga_portal.api.fields import LinkField
from lga_portal.api.filters import ChoicesFilter, DateFilter, OrderingFilter, RelatedFilter
from lga_portal.api.views import ReadOnlyViewSet
from metrics.models import Indicator, IndicatorUnit, Observation
from offers.models import Theme


class IndicatorSerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:indicator-detail", lookup_field="slug", help_text="This indicator in the API.")
    theme = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of the theme it reports on."
    )
    offer = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of the offer it measures, if one."
    )

    class Meta:
        model = Indicator
        fields = ["id", "url", "slug", "name", "description", "unit", "measure", "theme", "offer", "order"]


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The indicator's slug.")
    indicator_name = serializers.CharField(source="indicator.name", read_only=True, help_text="What is counted.")
    unit = serializers.CharField(source="indicator.unit", read_only=True, help_text="The unit of the value.")
    theme = serializers.CharField(
        source="indicator.theme.slug",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Slug of the indicator's theme.",
    )
    source = serializers.SlugRelatedField(
        slug_field="key", read_only=True, help_text="Key of the document the figure comes from."
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "unit",
            "theme",
            "date",
            "period_start",
            "value",
            "qualifier",
            "note",
            "source",
        ]


def _theme_filter(field_name: str):
    return RelatedFilter(
        field_name=field_name,
        queryset=Theme.objects.all(),
        to_field_name="slug",
        help_text="Theme slug; repeat for any of several.",
    )


class IndicatorFilter(django_filters.FilterSet):
    theme = _theme_filter("theme")
    unit = ChoicesFilter(choices=IndicatorUnit.choices, help_text="Unit; repeat for several.")

    class Meta:
        model = Indicator
        fields: list[str] = []


class ObservationFilter(django_filters.FilterSet):
    indicator = RelatedFilter(
        queryset=Indicator.objects.all(),
        to_field_name="slug",
        help_text="Indicator slug; repeat for several.",
    )
    theme = _theme_filter("indicator__theme")
    date_from = DateFilter(field_name="date", lookup_expr="gte", help_text="Dated on or after (YYYY-MM-DD).")
    date_to = DateFilter(field_name="date", lookup_expr="lte", help_text="Dated on or before (YYYY-MM-DD).")
    ordering = OrderingFilter(
        fields=(("date", "date"), ("value", "value")),
        help_text="Sort by this field; prefix with - for descending. Default: by indicator, then date.",
    )

    class Meta:
        model = Observation
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List indicators", description="Headline figures tracked over time."),
    retrieve=extend_schema(summary="One indicator"),
)
class IndicatorViewSet(ReadOnlyViewSet):
    queryset = Indicator.objects.select_related("theme", "offer").order_by("theme__order", "order", "name")
    serializer_class = IndicatorSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    filterset_class = IndicatorFilter


@extend_schema_view(
    list=extend_schema(
        summary="List indicator observations",
        description="Each dated value of an indicator, with the document it was published in.",
    ),
    retrieve=extend_schema(summary="One observation"),
)
class ObservationViewSet(ReadOnlyViewSet):
    queryset = Observation.objects.select_related("indicator__theme", "source").order_by(
        "indicator__theme__order", "indicator__order", "indicator__name", "date", "id"
    )
    serializer_class = ObservationSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = ObservationFilter
