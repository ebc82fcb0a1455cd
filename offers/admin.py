from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from lga_portal import dates
from offers.models import (
    REVIEW_INTERVAL_MONTHS,
    Audience,
    Format,
    Offer,
    OfferItem,
    OfferToReview,
    Publication,
    Source,
    Theme,
    add_months,
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "filename", "published_on", "published_on_precision", "covers_from", "covers_to"]
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


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", "Past its review date"), ("current", "Reviewed and not yet due")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.past_review_date()
        if self.value() == "current":
            return queryset.exclude(pk__in=Offer.objects.past_review_date().values("pk"))
        return queryset


@admin.action(description="Mark as reviewed today (next review in 12 months)", permissions=["change"])
def mark_reviewed(modeladmin, request, queryset):
    count = 0
    # As Offer, not the queue's proxy: the history is recorded for Offer.
    for offer in Offer.objects.filter(pk__in=queryset.values("pk")):
        offer.mark_reviewed(user=request.user)
        count += 1
    next_review = dates.format_day(add_months(timezone.localdate(), REVIEW_INTERVAL_MONTHS))
    modeladmin.message_user(
        request,
        f"{count} offer{'' if count == 1 else 's'} marked as reviewed today; next review by {next_review}.",
        messages.SUCCESS,
    )


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin):
    list_display = ["title", "theme", "status", "delivery", "is_published", "review_by", "modified_at"]
    list_filter = [ReviewDueFilter, "is_published", "status", "delivery", "theme", "audiences", "formats", "source"]
    actions = [mark_reviewed]
    # The change page's "Save and mark as reviewed today" button (templates/admin/offers/offer/change_form.html).
    change_form_template = "admin/offers/offer/change_form.html"
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
        (
            "Status",
            {"fields": ["status", "status_note", "launched_on", "launched_on_precision", "is_published"]},
        ),
        ("Review", {"fields": ["last_reviewed_on", "last_reviewed_precision", "review_by"]}),
        ("Provenance", {"fields": ["source", "also_in", "uuid", "created_at", "modified_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if change and "_mark_reviewed" in request.POST:
            # Saved and reviewed in one go: one history entry.
            today = timezone.localdate()
            obj.last_reviewed_on, obj.last_reviewed_precision = today, dates.DatePrecision.DAY
            obj.review_by = add_months(today, REVIEW_INTERVAL_MONTHS)
            obj._change_reason = "Reviewed"
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if "_mark_reviewed" in request.POST:
            self.message_user(
                request,
                f"“{obj}” was saved and marked as reviewed today; next review by {dates.format_day(obj.review_by)}.",
                messages.SUCCESS,
            )
            return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        offer_id = unquote(object_id)
        items = item_changes(offer_id) if str(offer_id).isdigit() else []
        return super().history_view(request, object_id, {**(extra_context or {}), "item_changes": items})


@admin.register(OfferToReview)
class OfferToReviewAdmin(admin.ModelAdmin):
    """The editors' queue: offers past their review-by date, the longest overdue first."""

    list_display = ["title_link", "theme", "status", "last_reviewed", "review_by"]
    list_filter = ["theme", "status"]
    list_select_related = ["theme"]
    search_fields = ["title", "summary", "slug"]
    ordering = ["review_by", "title"]
    actions = [mark_reviewed]

    def get_queryset(self, request):
        return super().get_queryset(request).past_review_date()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Reviewing is the action; the offer itself is edited on its own change page.
        return obj is None and request.user.has_perm("offers.change_offer")

    @admin.display(description="Offer", ordering="title")
    def title_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:offers_offer_change", args=[obj.pk]), obj.title)

    @admin.display(description="Last reviewed", ordering="last_reviewed_on")
    def last_reviewed(self, obj):
        return dates.format_date(obj.last_reviewed_on, obj.last_reviewed_precision) or "Never"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from django.shortcuts import redirect

        return redirect("admin:offers_offer_change", object_id)


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "theme", "offer", "published", "source"]
    list_filter = ["kind", "theme", "source"]
    list_select_related = ["theme", "offer", "source"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["theme", "offer"]
    readonly_fields = ["uuid", "created_at", "modified_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "theme", "offer", "url"]}),
        ("Date", {"fields": ["published_on", "published_on_precision"]}),
        ("Provenance", {"fields": ["source", "order", "uuid", "created_at", "modified_at"]}),
    ]

    @admin.display(description="Published", ordering="published_on")
    def published(self, obj):
        return obj.published_display or "Not given"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# Synonyms, best bets and the searches that found nothing, registered with this admin.
from offers import search_admin  # noqa: E402, F401
