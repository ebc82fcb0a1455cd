"""The catalogue's REST API: themes, offers, audiences, formats and publications (public, read-only)."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers

from lga_portal.api.fields import LinkField
from lga_portal.api.filters import ChoicesFilter, DateTimeFilter, OrderingFilter, RelatedFilter
from lga_portal.api.views import ReadOnlyViewSet
from offers.models import (
    SEARCH_MAX_LENGTH,
    Audience,
    Delivery,
    Format,
    Offer,
    OfferStatus,
    Publication,
    PublicationKind,
    Theme,
)


def sees_unpublished(user) -> bool:
    """Staff roles that read the whole catalogue (analysts, editors, managers) also see unpublished offers."""
    return bool(user and user.is_authenticated and user.has_perm("offers.view_offer"))


# --- serializers -------------------------------------------------------------------------


class ThemeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "slug", "name"]


class ReferenceSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Stable identifier, as used in filters.")
    name = serializers.CharField(help_text="Name shown to users.")


class ThemeSerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:theme-detail", lookup_field="slug", help_text="This theme in the API.")
    offer_count = serializers.IntegerField(read_only=True, help_text="Published offers in the theme.")

    class Meta:
        model = Theme
        fields = [
            "id",
            "uuid",
            "url",
            "slug",
            "name",
            "summary",
            "contact_email",
            "extra_contacts",
            "order",
            "offer_count",
            "modified_at",
        ]


class ReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        fields = ["id", "uuid", "slug", "name", "order", "disabled_on"]


class AudienceSerializer(ReferenceSerializer):
    class Meta(ReferenceSerializer.Meta):
        model = Audience


class FormatSerializer(ReferenceSerializer):
    class Meta(ReferenceSerializer.Meta):
        model = Format


class ContactEmailField(serializers.EmailField):
    def to_representation(self, value):
        return value or None


class OfferSerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:offer-detail", lookup_field="slug", help_text="This offer in the API.")
    theme = ThemeSummarySerializer(read_only=True, help_text="The theme the offer belongs to.")
    items = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="text", help_text="What the offer includes, in order."
    )
    audiences = ReferenceSummarySerializer(many=True, read_only=True, help_text="Who the offer is for.")
    formats = ReferenceSummarySerializer(many=True, read_only=True, help_text="What form the offer takes.")
    contact_email = ContactEmailField(
        source="effective_contact_email",
        read_only=True,
        allow_null=True,
        help_text="Whom to contact: the offer's own address, else its theme's; null means the council's "
        "principal adviser.",
    )
    partners = serializers.ListField(
        source="partner_list", child=serializers.CharField(), read_only=True, help_text="Delivery partners."
    )
    source = serializers.SlugRelatedField(
        slug_field="key", read_only=True, help_text="Key of the LGA document the offer first appears in."
    )
    launched = serializers.CharField(
        source="launched_display",
        read_only=True,
        help_text='The launch date written no more exactly than known: "15 July 2020", "July 2020", '
        '"around July 2020", "by November 2020"; empty when not known.',
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            "uuid",
            "url",
            "slug",
            "title",
            "theme",
            "summary",
            "description",
            "items",
            "audiences",
            "formats",
            "delivery",
            "status",
            "status_note",
            "how_to_access",
            "contact_email",
            "partners",
            "duration",
            "launched_on",
            "launched_on_precision",
            "launched",
            "last_reviewed_on",
            "last_reviewed_precision",
            "review_by",
            "source",
            "is_published",
            "created_at",
            "modified_at",
        ]


class OfferSummarySerializer(serializers.ModelSerializer):
    url = LinkField(view_name="api:offer-detail", lookup_field="slug", help_text="The offer in the API.")

    class Meta:
        model = Offer
        fields = ["id", "slug", "title", "url"]


class PublicationSerializer(serializers.ModelSerializer):
    theme = ThemeSummarySerializer(read_only=True, help_text="The theme it belongs to.")
    offer = serializers.SerializerMethodField(help_text="The published offer it is part of, or null.")
    source = serializers.SlugRelatedField(
        slug_field="key", read_only=True, allow_null=True, help_text="Key of the LGA document that lists it."
    )
    published = serializers.CharField(
        source="published_display",
        read_only=True,
        help_text='The publication date written no more exactly than known ("by November 2020"); empty when '
        "no document gives one.",
    )
    url = serializers.SerializerMethodField(help_text="Where it can be read, or null when not known.")

    class Meta:
        model = Publication
        fields = [
            "id",
            "uuid",
            "slug",
            "title",
            "kind",
            "summary",
            "theme",
            "offer",
            "published_on",
            "published_on_precision",
            "published",
            "url",
            "source",
            "modified_at",
        ]

    @extend_schema_field(OfferSummarySerializer(allow_null=True))
    def get_offer(self, obj):
        if obj.offer is None or not obj.offer.is_published:
            return None
        return OfferSummarySerializer(obj.offer, context=self.context).data

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, obj):
        return obj.url or None


# --- filters -----------------------------------------------------------------------------


def _slugs(model, field_name: str, help_text: str):
    return RelatedFilter(
        field_name=field_name,
        queryset=model.objects.all(),
        to_field_name="slug",
        method="filter_related",
        help_text=help_text,
    )


class OfferFilter(django_filters.FilterSet):
    theme = RelatedFilter(
        queryset=Theme.objects.all(),
        to_field_name="slug",
        help_text="Theme slug, e.g. `leadership`; repeat for any of several.",
    )
    audience = _slugs(Audience, "audiences", "Audience slug, e.g. `councillors`; repeat for any of several.")
    # Not `format`: that parameter chooses JSON or CSV.
    offer_format = _slugs(Format, "formats", "Format slug, e.g. `coaching-and-mentoring`; repeat for any of several.")
    status = ChoicesFilter(
        choices=OfferStatus.choices, help_text="Whether councils can take the offer up now; repeat for several."
    )
    delivery = ChoicesFilter(choices=Delivery.choices, help_text="How the offer is delivered; repeat for several.")
    updated_since = DateTimeFilter(
        field_name="modified_at", lookup_expr="gte", help_text="Only offers changed at or after this date and time."
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words to search for in the title, summary, description, items and partners (the catalogue "
        "search). Best matches first unless `ordering` is given.",
    )
    ordering = OrderingFilter(
        fields=(("title", "title"), ("modified_at", "modified_at"), ("launched_on", "launched_on")),
        help_text="Sort by this field; prefix with - for descending. Default: by theme, then title.",
    )

    class Meta:
        model = Offer
        fields: list[str] = []

    def filter_related(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery, not a join, so an offer matching two values is listed once without DISTINCT.
        through = getattr(Offer, name).through
        column = Offer._meta.get_field(name).m2m_reverse_field_name()
        return queryset.filter(pk__in=through.objects.filter(**{f"{column}__in": value}).values("offer_id"))

    def filter_search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.search(value).order_by("-rank", "title")


# --- views -------------------------------------------------------------------------------


class PublicationFilter(django_filters.FilterSet):
    theme = RelatedFilter(
        queryset=Theme.objects.all(),
        to_field_name="slug",
        help_text="Theme slug, e.g. `leadership`; repeat for any of several.",
    )
    kind = ChoicesFilter(choices=PublicationKind.choices, help_text="Kind of publication; repeat for several.")
    offer = RelatedFilter(
        queryset=Offer.objects.published(),
        to_field_name="slug",
        help_text="Slug of the offer the publications belong to; repeat for any of several.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words that must all appear in the title or summary (any case).",
    )
    ordering = OrderingFilter(
        fields=(("title", "title"), ("published_on", "published_on"), ("modified_at", "modified_at")),
        help_text="Sort by this field; prefix with - for descending. Default: as the source lists them.",
    )

    class Meta:
        model = Publication
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset


@extend_schema_view(
    list=extend_schema(
        summary="List publications",
        description="The LGA's guides, workbooks, reports and papers, each with its theme, the offer it belongs to "
        "and its date as exactly as known. Filter by theme, kind, offer; search by words.",
    ),
    retrieve=extend_schema(summary="One publication"),
)
class PublicationViewSet(ReadOnlyViewSet):
    serializer_class = PublicationSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    filterset_class = PublicationFilter

    def get_queryset(self):
        return Publication.objects.for_listing().order_by("order", "title", "id")


@extend_schema_view(
    list=extend_schema(summary="List themes", description="Every theme, with its count of published offers."),
    retrieve=extend_schema(summary="One theme"),
)
class ThemeViewSet(ReadOnlyViewSet):
    serializer_class = ThemeSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"

    def get_queryset(self):
        return Theme.objects.annotate(offer_count=Count("offers", filter=Q(offers__is_published=True))).order_by(
            "order", "name"
        )


@extend_schema_view(
    list=extend_schema(summary="List audiences", description="Who offers are for (a reference list)."),
    retrieve=extend_schema(summary="One audience"),
)
class AudienceViewSet(ReadOnlyViewSet):
    queryset = Audience.objects.order_by("order", "name")
    serializer_class = AudienceSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="List formats", description="What form offers take (a reference list)."),
    retrieve=extend_schema(summary="One format"),
)
class FormatViewSet(ReadOnlyViewSet):
    queryset = Format.objects.order_by("order", "name")
    serializer_class = FormatSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(
        summary="List offers",
        description="The catalogue: published offers (staff roles also see unpublished ones), with theme, "
        "items, audiences and formats. Filter, search, sort; JSON pages or the whole list as CSV.",
    ),
    retrieve=extend_schema(summary="One offer"),
)
class OfferViewSet(ReadOnlyViewSet):
    serializer_class = OfferSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    filterset_class = OfferFilter

    def get_queryset(self):
        offers = Offer.objects.with_related().order_by("theme__order", "title", "id")
        return offers if sees_unpublished(self.request.user) else offers.published()
