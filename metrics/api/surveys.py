"""Surveys, rounds, measures and results: public, read-only."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from lga_portal.api.fields import LinkField
from lga_portal.api.filters import OrderingFilter, RelatedFilter
from lga_portal.api.views import ReadOnlyViewSet
from metrics.models import Measure, Result, Survey, SurveyRound


class SurveySerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:survey-detail", lookup_field="slug", help_text="This survey in the API.")
    source = serializers.SlugRelatedField(
        slug_field="key", read_only=True, help_text="Key of the document the published results come from."
    )

    class Meta:
        model = Survey
        fields = ["id", "url", "slug", "name", "description", "source", "modified_at"]


class SurveyRoundSerializer(serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The survey's slug.")
    source = serializers.SlugRelatedField(
        slug_field="key", read_only=True, help_text="Key of the document the round's figures come from."
    )

    class Meta:
        model = SurveyRound
        fields = [
            "id",
            "survey",
            "number",
            "label",
            "period",
            "fieldwork_start",
            "fieldwork_end",
            "sample_size",
            "source",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The survey's slug.")

    class Meta:
        model = Measure
        fields = ["id", "survey", "slug", "name", "order"]


class ResultSerializer(serializers.ModelSerializer):
    survey = serializers.CharField(source="round.survey.slug", read_only=True, help_text="The survey's slug.")
    round = serializers.IntegerField(source="round.number", read_only=True, help_text="The round's number.")
    round_label = serializers.CharField(source="round.label", read_only=True, help_text='The round\'s label, "Oct-20".')
    period = serializers.DateField(source="round.period", read_only=True, help_text="The round's fieldwork month.")
    measure = serializers.CharField(source="measure.slug", read_only=True, help_text="The measure's slug.")
    measure_name = serializers.CharField(source="measure.name", read_only=True, help_text="The measure as published.")

    class Meta:
        model = Result
        fields = ["id", "survey", "round", "round_label", "period", "measure", "measure_name", "percent"]


class RoundNumberField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**31 - 1, **kwargs)


class RoundNumberFilter(django_filters.NumberFilter):
    field_class = RoundNumberField


def _survey_filter(field_name: str):
    return RelatedFilter(
        field_name=field_name,
        queryset=Survey.objects.all(),
        to_field_name="slug",
        help_text="Survey slug, e.g. `resident-satisfaction`; repeat for several.",
    )


class SurveyRoundFilter(django_filters.FilterSet):
    survey = _survey_filter("survey")

    class Meta:
        model = SurveyRound
        fields: list[str] = []


class MeasureFilter(django_filters.FilterSet):
    survey = _survey_filter("survey")

    class Meta:
        model = Measure
        fields: list[str] = []


class ResultFilter(django_filters.FilterSet):
    survey = _survey_filter("round__survey")
    round = RoundNumberFilter(field_name="round__number", help_text="Round number, e.g. `27`.")
    measure = RelatedFilter(
        queryset=Measure.objects.all(),
        to_field_name="slug",
        help_text="Measure slug, e.g. `trusts-council`; repeat for several.",
    )
    ordering = OrderingFilter(
        fields=(("round__number", "round"), ("percent", "percent")),
        help_text="Sort by this field; prefix with - for descending. Default: by round, then measure.",
    )

    class Meta:
        model = Result
        fields: list[str] = []


@extend_schema_view(list=extend_schema(summary="List surveys"), retrieve=extend_schema(summary="One survey"))
class SurveyViewSet(ReadOnlyViewSet):
    queryset = Survey.objects.select_related("source").order_by("name")
    serializer_class = SurveySerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="List survey rounds"), retrieve=extend_schema(summary="One survey round")
)
class SurveyRoundViewSet(ReadOnlyViewSet):
    queryset = SurveyRound.objects.select_related("survey", "source").order_by("survey__name", "number")
    serializer_class = SurveyRoundSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = SurveyRoundFilter


@extend_schema_view(list=extend_schema(summary="List survey measures"), retrieve=extend_schema(summary="One measure"))
class MeasureViewSet(ReadOnlyViewSet):
    queryset = Measure.objects.select_related("survey").order_by("survey__name", "order", "name")
    serializer_class = MeasureSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = MeasureFilter


@extend_schema_view(
    list=extend_schema(
        summary="List survey results",
        description="The percentage answering positively, per round and measure. For changes between "
        "rounds see /api/v1/stats/survey-trends/.",
    ),
    retrieve=extend_schema(summary="One result"),
)
class ResultViewSet(ReadOnlyViewSet):
    queryset = Result.objects.select_related("round__survey", "measure").order_by(
        "round__survey__name", "round__number", "measure__order", "id"
    )
    serializer_class = ResultSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = ResultFilter
