"""Unmet needs across the sector (aggregates only), for principal advisers, managers and analysts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response

from engagements.models import ThemeEvent
from engagements.permissions import can_view_engagements
from lga_portal.api.params import PeriodParamsSerializer, read_params
from lga_portal.api.views import AggregateViewSet
from metrics.needs import GROUPINGS, unmet_needs


class ReadsEngagements(permissions.BasePermission):
    """Figures drawn from engagements, even aggregated, are for those who may read engagements."""

    def has_permission(self, request, view):
        return can_view_engagements(request.user)


class UnmetNeedsParamsSerializer(PeriodParamsSerializer):
    by = serializers.ChoiceField(
        choices=GROUPINGS,
        required=False,
        help_text="Split by `region` or `council_kind`; leave out for one row per theme.",
    )


class UnmetNeedRowSerializer(serializers.Serializer):
    theme = serializers.CharField(source="theme.slug", help_text="Theme slug.")
    theme_name = serializers.CharField(source="theme.name", help_text="Theme name.")
    group = serializers.CharField(allow_null=True, help_text="Region slug or council kind; null when not split.")
    group_label = serializers.CharField(help_text="The group's name.")
    councils_raised = serializers.IntegerField(
        source="raised", help_text="Councils that raised the need in a held engagement in the period."
    )
    councils_unmet = serializers.IntegerField(
        source="unmet",
        help_text="Of those, councils that have taken up no offer of the theme since they last raised it in the "
        "period (a council abolished since: nor has any council that succeeded it).",
    )
    start = serializers.DateField(help_text="First day of the period.")
    end = serializers.DateField(help_text="Last day of the period.")


class UnmetNeedsViewSet(AggregateViewSet):
    queryset = ThemeEvent.objects.none()  # computed by the selector; named for the schema generator
    serializer_class = UnmetNeedRowSerializer
    permission_classes = [ReadsEngagements]

    @extend_schema(
        summary="Unmet needs",
        description="Support needs (themes) councils raised in held engagements in the period and that no offer "
        "of the theme has met since, per theme, optionally by region or kind of council: the demand signal for "
        "the catalogue. Aggregates only: no council is named. For principal advisers, managers and analysts.",
        parameters=[UnmetNeedsParamsSerializer],
    )
    def list(self, request, *args, **kwargs):
        params = read_params(UnmetNeedsParamsSerializer, request)
        result = unmet_needs(params["from"], params["to"], by=params.get("by"))
        rows = [
            {
                "theme": f.theme,
                "group": f.group,
                "group_label": f.group_label,
                "raised": f.raised,
                "unmet": f.unmet,
                "start": result.start,
                "end": result.end,
            }
            for f in result.rows()
        ]
        return Response(self.get_serializer(rows, many=True).data)
