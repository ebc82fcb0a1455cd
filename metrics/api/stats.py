"""Aggregates analysts otherwise work out by hand: engagement coverage and survey trends."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from engagements.models import Engagement
from lga_portal.api.params import PeriodParamsSerializer, read_params
from lga_portal.api.views import AggregateViewSet
from lga_portal.periods import PERIODS
from metrics.models import Measure, Result, Survey
from metrics.selectors import GROUPINGS, coverage, survey_trends


class CoverageParamsSerializer(PeriodParamsSerializer):
    period = serializers.ChoiceField(
        choices=PERIODS, default="quarter", help_text="Calendar `month` or `quarter` (clipped to the period)."
    )
    by = serializers.ChoiceField(
        choices=GROUPINGS,
        required=False,
        help_text="Split by `region`, `council_kind` or `engagement_kind`; leave out for all councils.",
    )


class CoverageRowSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.label", help_text='The month or quarter, e.g. "2020 Q3".')
    start = serializers.DateField(source="period.start", help_text="First day counted (clipped to `from`).")
    end = serializers.DateField(source="period.end", help_text="Last day counted (clipped to `to`).")
    group = serializers.CharField(
        allow_null=True, help_text="Region slug, council kind or engagement kind; null when not split."
    )
    group_label = serializers.CharField(help_text="The group's name.")
    engaged = serializers.IntegerField(help_text="Distinct councils with a held engagement in the period.")
    councils = serializers.IntegerField(
        help_text="Councils that existed at some point in the period (in the group, when split by region or "
        "council kind)."
    )
    percent = serializers.DecimalField(
        max_digits=4, decimal_places=1, help_text="engaged ÷ councils × 100, to one decimal place."
    )


class CoverageViewSet(AggregateViewSet):
    queryset = Engagement.objects.none()  # computed by the selector; named for the schema generator
    serializer_class = CoverageRowSerializer

    @extend_schema(
        summary="Engagement coverage",
        description="The share of councils engaged, per month or quarter: distinct councils with at least one "
        "held (completed, unarchived) engagement, over the councils that existed then — so councils abolished "
        "in 2023 count before their abolition and their successors after. Aggregates only.",
        parameters=[CoverageParamsSerializer],
    )
    def list(self, request, *args, **kwargs):
        params = read_params(CoverageParamsSerializer, request)
        rows = coverage(params["from"], params["to"], period=params["period"], by=params.get("by"))
        return Response(self.get_serializer(rows, many=True).data)


class SurveyTrendParamsSerializer(serializers.Serializer):
    survey = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Survey.objects.all(),
        required=False,
        help_text="Only this survey (slug), e.g. `resident-satisfaction`; default every survey, as the pages show.",
    )
    measure = serializers.SlugField(required=False, help_text="Only this measure (slug), e.g. `trusts-council`.")

    def validate(self, attrs):
        measure = attrs.get("measure")
        if measure:
            measures = Measure.objects.filter(slug=measure)
            if "survey" in attrs:
                measures = measures.filter(survey=attrs["survey"])
            if not measures.exists():
                message = "The survey has no measure “{}”." if "survey" in attrs else "No survey has a measure “{}”."
                raise serializers.ValidationError({"measure": [message.format(measure)]})
        return attrs


class SurveyTrendRowSerializer(serializers.Serializer):
    survey = serializers.CharField(source="round.survey.slug", help_text="The survey's slug.")
    measure = serializers.CharField(source="measure.slug", help_text="The measure's slug.")
    measure_name = serializers.CharField(source="measure.name", help_text="The measure as published.")
    round = serializers.IntegerField(source="round.number", help_text="The round's number.")
    round_label = serializers.CharField(source="round.label", help_text='The round\'s label, e.g. "Oct-20".')
    period = serializers.DateField(source="round.period", help_text="The round's fieldwork month.")
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percentage answering positively.")
    change_from_previous = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="Percentage points since the measure's previous figure; null for its first.",
    )


class SurveyTrendViewSet(AggregateViewSet):
    queryset = Result.objects.none()  # computed by the selector; named for the schema generator
    serializer_class = SurveyTrendRowSerializer

    @extend_schema(
        summary="Survey trends",
        description="Each measure's figure in each round, oldest round first, with the change in percentage "
        "points from the previous round: every survey's (by name), or one survey's with `survey`.",
        parameters=[SurveyTrendParamsSerializer],
    )
    def list(self, request, *args, **kwargs):
        params = read_params(SurveyTrendParamsSerializer, request)
        surveys = [params["survey"]] if "survey" in params else Survey.objects.order_by("name")
        rows = [row for survey in surveys for row in survey_trends(survey)]
        if params.get("measure"):
            rows = [row for row in rows if row.measure.slug == params["measure"]]
        return Response(self.get_serializer(rows, many=True).data)
