"""Support requests councils made on the public site: read-only, to those whose role allows it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from engagements.filters import SupportRequestFilter
from engagements.models import SupportRequest
from engagements.permissions import requests_readable_by
from lga_portal.api.fields import LinkField
from lga_portal.api.views import ReadOnlyViewSet


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
