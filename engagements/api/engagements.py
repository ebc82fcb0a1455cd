"""Engagements: read by every role that may see them, written through the shared services.

Analysts read all and write nothing; principal advisers read all and write their own;
managers write any. Private notes come from ``with_visible_notes``: only their author and
managers ever receive them. A write carrying an old ``version`` is answered 409 with what
changed since; a write that breaks a rule is answered 400 naming the field, with the same
messages the workspace forms show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from engagements import rows
from engagements.filters import EngagementFilter, FeedFilter
from engagements.models import (
    HOURS_NEGATIVE,
    Adviser,
    ContactRole,
    Council,
    Engagement,
)
from engagements.permissions import (
    adviser_for,
    can_edit_engagement,
    can_log_engagements,
    can_view_engagements,
    is_manager,
)
from engagements.services import EngagementConflict, engagement_archive, engagement_create, engagement_update
from lga_portal.api.exceptions import Conflict
from lga_portal.api.fields import LinkField
from lga_portal.api.pagination import KeysetPageNumberPagination, ModifiedCursorPagination, Projected, check_paging
from lga_portal.api.schema import ConflictSerializer
from lga_portal.api.views import ModelViewSet
from lga_portal.csv_export import csv_text_download
from offers.models import Offer, Theme

# Long enough for any real note; refuses pasted documents before they reach the database.
TEXT_MAX_LENGTH = 10_000
ADVISER_NOT_YOURS = "You can only log engagements as yourself; a manager can log them for others."
ADVISER_REQUIRED = "Give the id of the principal adviser who led the engagement."


class EngagementSerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:engagement-detail", help_text="This engagement in the API.")
    council = serializers.SlugRelatedField(
        slug_field="gss_code", queryset=Council.objects.all(), help_text="The council's ONS (GSS) code."
    )
    council_name = serializers.CharField(source="council.name", read_only=True, help_text="The council's name.")
    region = serializers.CharField(
        source="council.region.slug", read_only=True, help_text="Slug of the council's region."
    )
    adviser = serializers.PrimaryKeyRelatedField(
        queryset=Adviser.objects.all(),
        required=False,
        help_text="Id of the principal adviser who led it; defaults to you. Only managers may name another.",
    )
    adviser_name = serializers.CharField(source="adviser.name", read_only=True, help_text="The adviser's name.")
    roles = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        required=False,
        queryset=ContactRole.objects.all(),
        help_text="Whom it was with at the council (contact role slugs).",
    )
    offers = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        required=False,
        queryset=Offer.objects.all(),
        help_text="Offers discussed or delivered (offer slugs).",
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        required=False,
        queryset=Theme.objects.all(),
        help_text="Support needs raised (theme slugs).",
    )
    summary = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="What was discussed or agreed; visible to colleagues.",
    )
    private_notes = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Notes only the author and managers can read; empty for everyone else.",
    )

    class Meta:
        model = Engagement
        # The columns of engagements/rows.py: one table for the API, the workspace export and the import.
        fields = list(rows.API_COLUMNS)
        read_only_fields = ["version", "archived_at", "created_at", "modified_at"]
        # The model's own message, as the workspace form shows it.
        extra_kwargs = {"hours": {"error_messages": {"min_value": HOURS_NEGATIVE}}}

    def to_representation(self, instance):
        # One engagement is read as a list reads it, so an engagement is the same wherever it comes from.
        return self.represent(rows.projection(Engagement.objects.filter(pk=instance.pk), self._reader()))[0]

    def _reader(self):
        request = self.context.get("request")
        return request.user if request is not None else None

    def represent(self, values: Iterable[dict]) -> list[dict]:
        """The API's representation of rows of ``rows.projection()`` (a page of them): three queries."""
        return rows.complete(list(values), address=self.fields["url"].addresses(self.context.get("request")))

    def csv_text(self, engagements: QuerySet) -> Iterator[str]:
        """The CSV of ``engagements``: its header, then each engagement's cells (the JSON's values,
        made straight into cells: the rows are flat, so there is nothing to flatten), as text."""
        address = self.fields["url"].addresses(self.context.get("request"))
        return rows.csv_text(engagements, self._reader(), rows.API_COLUMNS, address=address)

    def validate_adviser(self, adviser):
        user = self.context["request"].user
        if not is_manager(user) and adviser != adviser_for(user):
            raise serializers.ValidationError(ADVISER_NOT_YOURS)
        return adviser


class EngagementUpdateSerializer(EngagementSerializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="The version you read. If someone has saved the engagement since, the write is refused "
        "with 409 and what changed.",
    )

    class Meta(EngagementSerializer.Meta):
        read_only_fields = ["archived_at", "created_at", "modified_at"]

    def validate(self, attrs):
        # Required even in a partial update (PATCH): without it a stale write could not be caught.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": [self.fields["version"].error_messages["required"]]})
        return super().validate(attrs)


class EngagementAccess(permissions.BasePermission):
    """Reading needs the view permission; writing, an adviser's own record or a manager."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return can_view_engagements(user)
        if view.action == "create":
            return can_log_engagements(user)
        return user.has_perm("engagements.change_engagement")

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_edit_engagement(request.user, obj)


def _conflict(conflict: EngagementConflict) -> Conflict:
    return Conflict(
        str(conflict),
        current_version=conflict.current.version,
        changes=[{"field": field, "was": str(was), "now": str(now)} for field, was, now in conflict.changes],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List engagements",
        description="Engagements that have not been archived, newest first. Filter by council, region, "
        "adviser, kind, channel, offer, theme, status and dates; JSON pages or the whole list as CSV.",
    ),
    retrieve=extend_schema(summary="One engagement (archived ones too)"),
    create=extend_schema(
        summary="Log an engagement",
        description="Validated as the workspace form is. The adviser defaults to you.",
    ),
    update=extend_schema(
        summary="Replace an engagement",
        request=EngagementUpdateSerializer,
        responses={200: EngagementSerializer, 409: OpenApiResponse(ConflictSerializer, "Stale `version`.")},
    ),
    partial_update=extend_schema(
        summary="Change some fields of an engagement",
        request=EngagementUpdateSerializer,
        responses={200: EngagementSerializer, 409: OpenApiResponse(ConflictSerializer, "Stale `version`.")},
    ),
    destroy=extend_schema(
        summary="Archive an engagement",
        description="It leaves lists and counts but stays in the history and in the feed.",
    ),
)
class EngagementViewSet(ModelViewSet):
    permission_classes = [EngagementAccess]
    filterset_class = EngagementFilter
    pagination_class = KeysetPageNumberPagination
    csv_actions = ("list", "feed")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return EngagementUpdateSerializer
        return EngagementSerializer

    def get_queryset(self):
        # What a single engagement needs to be found and checked (its adviser, for is_author); its
        # output is read as a row (EngagementSerializer.to_representation).
        return Engagement.objects.select_related("adviser")

    def list(self, request, *args, **kwargs):
        # The lists (JSON, CSV and the feed) are read as rows (engagements/rows.py), not instances.
        engagements = self.filter_queryset(Engagement.objects.live())
        if self.wants_csv():
            return self.csv_response(engagements)
        page = self.paginate_queryset(Projected(engagements, lambda window: rows.projection(window, request.user)))
        return self.get_paginated_response(self.get_serializer().represent(page))

    def csv_response(self, queryset):
        check_paging(self.request)
        return csv_text_download(self.get_serializer().csv_text(queryset), self.csv_filename())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.setdefault("adviser", adviser_for(request.user))
        if values["adviser"] is None:
            raise serializers.ValidationError({"adviser": [ADVISER_REQUIRED]})
        engagement = engagement_create(user=request.user, **values)
        data = self.get_serializer(engagement).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        engagement = self.get_object()
        serializer = self.get_serializer(engagement, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        version = values.pop("version")
        try:
            engagement = engagement_update(engagement=engagement, user=request.user, version=version, **values)
        except EngagementConflict as conflict:
            raise _conflict(conflict) from None
        return Response(EngagementSerializer(engagement, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        engagement_archive(engagement=instance, user=self.request.user)

    @extend_schema(
        summary="Feed of changed engagements",
        description="Every engagement, archived ones included, in the order they were last changed "
        "(`modified_at`, then `id`), paged by a cursor: walk `next` to the end, keep the last `cursor`, "
        "and ask again later with it to receive only what changed since. A row changed while you walk "
        "comes again later with its new values; none is skipped.",
        responses=EngagementSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=ModifiedCursorPagination, filterset_class=FeedFilter)
    def feed(self, request, *args, **kwargs):
        engagements = self.filter_queryset(Engagement.objects.all()).order_by("modified_at", "pk")
        if self.wants_csv():
            return self.csv_response(engagements)
        page = self.paginate_queryset(rows.projection(engagements, request.user))
        return self.get_paginated_response(self.get_serializer().represent(page))
