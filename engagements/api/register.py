"""Regions, councils and principal advisers: public, read-only."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from engagements.api.intelligence import CouncilSuggestionsMixin
from engagements.models import Adviser, Council, CouncilKind, Region
from lga_portal.api.fields import LinkField
from lga_portal.api.filters import BooleanFilter, ChoicesFilter, DateFilter, OrderingFilter, RelatedFilter
from lga_portal.api.views import ReadOnlyViewSet

COUNCIL_SEARCH_MAX_LENGTH = 100


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


class CouncilFilter(django_filters.FilterSet):
    region = RelatedFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        help_text="Region slug, e.g. `north-west`; repeat for any of several.",
    )
    kind = ChoicesFilter(choices=CouncilKind.choices, help_text="Type of council; repeat for several.")
    active = BooleanFilter(
        field_name="is_active", help_text="`true`: councils that exist today; `false`: abolished ones."
    )
    adviser = RelatedFilter(queryset=Adviser.objects.all(), help_text="Principal adviser id; repeat for several.")
    code = RelatedFilter(
        queryset=Council.objects.all(),
        to_field_name="gss_code",
        method="filter_code",
        help_text="ONS (GSS) code, e.g. `E06000001`; repeat for several.",
    )
    existing_on = DateFilter(
        method="filter_existing_on", help_text="Councils that existed on this date (YYYY-MM-DD), e.g. `2020-06-30`."
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=COUNCIL_SEARCH_MAX_LENGTH,
        help_text="Part of the council's name, or its exact code.",
    )
    ordering = OrderingFilter(
        fields=(("name", "name"), ("gss_code", "gss_code"), ("kind", "kind")),
        help_text="Sort by this field; prefix with - for descending. Default: by name.",
    )

    class Meta:
        model = Council
        fields: list[str] = []

    def filter_code(self, queryset, name, value: QuerySet[Council]):
        return queryset.filter(pk__in=[council.pk for council in value]) if value else queryset

    def filter_existing_on(self, queryset, name, value):
        return queryset.existing_on(value)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class AdviserFilter(django_filters.FilterSet):
    region = RelatedFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        help_text="Region slug; repeat for any of several.",
    )
    active = BooleanFilter(field_name="is_active", help_text="`true`: advisers in post; `false`: those who left.")

    class Meta:
        model = Adviser
        fields: list[str] = []


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
