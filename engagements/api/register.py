"""Regions, councils and principal advisers: public, read-only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from engagements.api.intelligence import CouncilSuggestionsMixin
from engagements.filters import AdviserFilter, CouncilFilter
from engagements.models import Adviser, Council, Region
from lga_portal.api.fields import LinkField
from lga_portal.api.views import ReadOnlyViewSet


class RegionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "slug", "name"]


class CouncilSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Council
        fields = ["gss_code", "slug", "name"]


class AdviserSerializer(serializers.ModelSerializer):
    """A principal adviser's public details: what a council sees on its page."""

    region = RegionSummarySerializer(read_only=True, allow_null=True, help_text="The region the adviser mainly covers.")

    class Meta:
        model = Adviser
        fields = ["id", "name", "email", "phone", "region", "is_active"]


class AdviserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Adviser
        fields = ["id", "name", "email", "phone"]


class RegionSerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:region-detail", lookup_field="slug", help_text="This region in the API.")

    class Meta:
        model = Region
        fields = ["id", "url", "code", "slug", "name"]


class CouncilSerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:council-detail", lookup_field="gss_code", help_text="This council in the API.")
    region = RegionSummarySerializer(read_only=True, help_text="The English region the council is in.")
    parent = CouncilSummarySerializer(read_only=True, allow_null=True, help_text="For a district, its county council.")
    successors = CouncilSummarySerializer(
        many=True, read_only=True, help_text="The councils that took over from an abolished council."
    )
    adviser = AdviserSummarySerializer(
        read_only=True, allow_null=True, help_text="The council's LGA principal adviser, if it has one."
    )

    class Meta:
        model = Council
        fields = [
            "id",
            "uuid",
            "url",
            "gss_code",
            "slug",
            "name",
            "kind",
            "region",
            "parent",
            "is_active",
            "established_on",
            "abolished_on",
            "successors",
            "adviser",
            "modified_at",
        ]


@extend_schema_view(
    list=extend_schema(summary="List regions", description="The nine English regions with their ONS codes."),
    retrieve=extend_schema(summary="One region"),
)
class RegionViewSet(ReadOnlyViewSet):
    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(
        summary="List councils",
        description="The register of English councils, including those abolished since 2021 (with their "
        "successors), each with its region, county and principal adviser.",
    ),
    retrieve=extend_schema(summary="One council, by its ONS (GSS) code"),
)
class CouncilViewSet(CouncilSuggestionsMixin, ReadOnlyViewSet):
    queryset = Council.objects.with_related().order_by("name", "id")
    serializer_class = CouncilSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "gss_code"
    filterset_class = CouncilFilter


@extend_schema_view(
    list=extend_schema(summary="List principal advisers", description="Public details only."),
    retrieve=extend_schema(summary="One principal adviser"),
)
class AdviserViewSet(ReadOnlyViewSet):
    queryset = Adviser.objects.select_related("region").order_by("name", "id")
    serializer_class = AdviserSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = AdviserFilter
