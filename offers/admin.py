from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import unquote
from simple_history.admin import SimpleHistoryAdmin

from offers.models import Audience, Format, Offer, OfferItem, Source, Theme


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "filename", "published_on"]
    search_fields = ["title", "key", "filename"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "order", "offer_count"]
    list_editable = ["order"]
    search_fields = ["name", "summary", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["uuid", "created_at", "modified_at"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(offer_total=Count("offers"))

    @admin.display(description="Offers", ordering="offer_total")
    def offer_count(self, obj: Theme) -> int:
        return obj.offer_total


class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "disabled_on"]
    list_editable = ["order"]
    list_filter = [("disabled_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(Audience, ReferenceAdmin)
admin.site.register(Format, ReferenceAdmin)


class OfferItemInline(admin.TabularInline):
    model = OfferItem
    extra = 1
    fields = ["order", "text"]


@dataclass(frozen=True)
class ItemChange:
    """One change to an offer's "what it includes" list, for the offer's history page."""

    record: object  # the item's history record
    action: str  # "Added", "Changed", "Removed"
    before: object | None  # the item's previous record, for a change


ITEM_ACTIONS = {"+": "Added", "~": "Changed", "-": "Removed"}


def item_changes(offer_id) -> list[ItemChange]:
    """Every recorded change to the offer's items, newest first, each with the item as it was before."""
    records = (
        OfferItem.history.filter(offer_id=offer_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    last: dict[int, object] = {}
    changes = []
    for record in records:
        changes.append(ItemChange(record, ITEM_ACTIONS[record.history_type], last.get(record.id)))
        last[record.id] = record
    changes.reverse()
    return changes


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin):
    list_display = ["title", "theme", "status", "delivery", "is_published", "modified_at"]
    list_filter = ["is_published", "status", "delivery", "theme", "audiences", "formats", "source"]
    list_select_related = ["theme"]
    search_fields = ["title", "summary", "description", "partners", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["audiences", "formats"]
    autocomplete_fields = ["theme"]
    readonly_fields = ["uuid", "created_at", "modified_at"]
    inlines = [OfferItemInline]
    # The offer's history, then its items' (edited in the inline above, recorded on their own).
    object_history_template = "admin/offers/offer/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "summary", "description"]}),
        (
            "Who and how",
            {"fields": ["audiences", "formats", "delivery", "duration", "partners", "how_to_access", "contact_email"]},
        ),
        ("Status", {"fields": ["status", "status_note", "launched_on", "is_published"]}),
        ("Provenance", {"fields": ["source", "also_in", "uuid", "created_at", "modified_at"]}),
    ]

    def history_view(self, request, object_id, extra_context=None):
        offer_id = unquote(object_id)
        items = item_changes(offer_id) if str(offer_id).isdigit() else []
        return super().history_view(request, object_id, {**(extra_context or {}), "item_changes": items})


# Synonyms, best bets and the searches that found nothing, registered with this admin.
from offers import search_admin  # noqa: E402, F401
