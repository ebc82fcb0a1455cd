"""Support requests councils made on the public site: read-only, to those whose role allows it."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from engagements.models import Adviser, Council, SupportRequest, SupportRequestStatus
from engagements.permissions import requests_readable_by
from lga_portal.api.fields import LinkField
from lga_portal.api.filters import ChoicesFilter, DateFilter, OrderingFilter, RelatedFilter
from lga_portal.api.views import ReadOnlyViewSet
from offers.models import Offer


class SupportRequestSerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:supportrequest-detail", help_text="This support request in the API.")
    council = serializers.SlugRelatedField(
        slug_field="gss_code", read_only=True, help_text="The council's ONS (GSS) code."
    )
    council_name = serializers.CharField(source="council.name", read_only=True, help_text="The council's name.")
    region = serializers.CharField(source="council.region.slug", read_only=True, help_text="The council's region.")
    offer = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="Slug of the offer asked for.")
    offer_title = serializers.CharField(source="offer.title", read_only=True, help_text="The offer's title.")
    theme = serializers.CharField(source="offer.theme.slug", read_only=True, help_text="Slug of the offer's theme.")
    assigned_adviser_name = serializers.CharField(
        source="assigned_adviser.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Name of the principal adviser the request went to.",
    )

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "url",
            "reference",
            "council",
            "council_name",
            "region",
            "offer",
            "offer_title",
            "theme",
            "name",
            "email",
            "role",
            "message",
            "consent",
            "status",
            "assigned_adviser",
            "assigned_adviser_name",
            "engagement",
            "created_at",
            "modified_at",
            "acknowledged_at",
            "closed_at",
            "closed_reason",
        ]


class SupportRequestFilter(django_filters.FilterSet):
    council = RelatedFilter(
        queryset=Council.objects.all(),
        to_field_name="gss_code",
        help_text="Council ONS (GSS) code; repeat for any of several.",
    )
    offer = RelatedFilter(
        queryset=Offer.objects.all(),
        to_field_name="slug",
        help_text="Offer slug; repeat for any of several.",
    )
    status = ChoicesFilter(
        choices=SupportRequestStatus.choices, help_text="Where the request has got to; repeat for several."
    )
    adviser = RelatedFilter(
        field_name="assigned_adviser",
        queryset=Adviser.objects.all(),
        help_text="Id of the principal adviser it went to; repeat for several.",
    )
    created_from = DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text="Made on or after this date (YYYY-MM-DD)."
    )
    created_to = DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text="Made on or before this date (YYYY-MM-DD)."
    )
    ordering = OrderingFilter(
        fields=(("created_at", "created_at"), ("modified_at", "modified_at")),
        help_text="Sort by this field; prefix with - for descending. Default: newest first.",
    )

    class Meta:
        model = SupportRequest
        fields: list[str] = []


class SupportRequestAccess(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("engagements.view_supportrequest"))


@extend_schema_view(
    list=extend_schema(
        summary="List support requests",
        description="Requests councils made for offers. Analysts and managers read all; a principal adviser "
        "reads those for their councils.",
    ),
    retrieve=extend_schema(summary="One support request"),
)
class SupportRequestViewSet(ReadOnlyViewSet):
    serializer_class = SupportRequestSerializer
    permission_classes = [SupportRequestAccess]
    filterset_class = SupportRequestFilter

    def get_queryset(self):
        return requests_readable_by(self.request.user, SupportRequest.objects.with_related()).order_by(
            "-created_at", "-id"
        )
