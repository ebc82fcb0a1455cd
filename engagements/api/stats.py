"""Offer take-up for a period: distinct councils per offer or per theme (aggregates only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from engagements.models import Engagement
from engagements.take_up import offers_with_take_up, themes_with_take_up
from lga_portal.api.params import PeriodParamsSerializer, read_params
from lga_portal.api.views import AggregateViewSet


class TakeUpParamsSerializer(PeriodParamsSerializer):
    by = serializers.ChoiceField(
        choices=["offer", "theme"],
        default="offer",
        help_text="`offer`: one row per offer taken up in the period; `theme`: one row per theme (zeros included).",
    )


class TakeUpRowSerializer(serializers.Serializer):
    offer = serializers.CharField(allow_null=True, help_text="Offer slug (null in rows by theme).")
    offer_title = serializers.CharField(allow_null=True, help_text="Offer title (null in rows by theme).")
    theme = serializers.CharField(help_text="Theme slug (the offer's theme in rows by offer).")
    theme_name = serializers.CharField(help_text="Theme name.")
    councils = serializers.IntegerField(help_text="Distinct councils that took it up in the period.")
    engagements = serializers.IntegerField(help_text="Held engagements that took it up in the period.")
    start = serializers.DateField(help_text="First day of the period.")
    end = serializers.DateField(help_text="Last day of the period.")


class TakeUpViewSet(AggregateViewSet):
    """Distinct councils per offer (or theme) taken up in completed, unarchived engagements."""

    queryset = Engagement.objects.none()  # computed by the selectors; named for the schema generator
    serializer_class = TakeUpRowSerializer

    @extend_schema(
        summary="Offer take-up",
        description="How many distinct councils took up (discussed or received) each offer, or any offer of "
        "each theme, in held engagements in the period. Aggregates only: no council is named.",
        parameters=[TakeUpParamsSerializer],
    )
    def list(self, request, *args, **kwargs):
        params = read_params(TakeUpParamsSerializer, request)
        start, end = params["from"], params["to"]
        if params["by"] == "theme":
            rows = [
                {
                    "offer": None,
                    "offer_title": None,
                    "theme": theme.slug,
                    "theme_name": theme.name,
                    "councils": councils,
                    "engagements": engagements,
                    "start": start,
                    "end": end,
                }
                for theme, councils, engagements in themes_with_take_up(start, end)
            ]
        else:
            rows = [
                {
                    "offer": offer.slug,
                    "offer_title": offer.title,
                    "theme": offer.theme.slug,
                    "theme_name": offer.theme.name,
                    "councils": councils,
                    "engagements": engagements,
                    "start": start,
                    "end": end,
                }
                for offer, councils, engagements in offers_with_take_up(start, end)
            ]
        return Response(self.get_serializer(rows, many=True).data)
