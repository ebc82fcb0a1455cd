from django.contrib import admin
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
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "summary", "description"]}),
        (
            "Who and how",
            {"fields": ["audiences", "formats", "delivery", "duration", "partners", "how_to_access", "contact_email"]},
        ),
        ("Status", {"fields": ["status", "status_note", "launched_on", "is_published"]}),
        ("Provenance", {"fields": ["source", "also_in", "uuid", "created_at", "modified_at"]}),
    ]


# Synonyms, best bets and the searches that found nothing, registered with this admin.
from offers import search_admin  # noqa: E402, F401
