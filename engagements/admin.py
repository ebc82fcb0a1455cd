from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from engagements import admin_outbox  # noqa: F401  (registers the outbox and notification choices)
from engagements.models import Adviser, ContactRole, Council, Engagement, Region, SupportRequest
from offers.admin import ReferenceAdmin


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Adviser)
class AdviserAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "region", "is_active"]
    list_filter = ["is_active", "region"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["user"]


@admin.register(Council)
class CouncilAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gss_code", "kind", "region", "parent", "adviser", "is_active"]
    list_filter = ["is_active", "kind", "region", "adviser"]
    list_select_related = ["region", "parent", "adviser"]
    search_fields = ["name", "gss_code", "slug"]
    autocomplete_fields = ["parent", "adviser", "successors"]
    readonly_fields = ["kind", "uuid", "created_at", "modified_at"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(ContactRole, ReferenceAdmin)


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["date", "council", "adviser", "kind", "channel", "status", "archived_at"]
    list_filter = [
        "status",
        "kind",
        "channel",
        ("archived_at", admin.EmptyFieldListFilter),
        "council__region",
        "adviser",
    ]
    list_select_related = ["council", "adviser"]
    search_fields = ["council__name", "council__gss_code", "summary", "adviser__name"]
    autocomplete_fields = ["council", "adviser", "offers", "themes"]
    filter_horizontal = ["roles"]
    date_hierarchy = "date"
    readonly_fields = [
        "version",
        "created_at",
        "created_by",
        "modified_at",
        "modified_by",
        "archived_at",
        "archived_by",
    ]


@admin.register(SupportRequest)
class SupportRequestAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "created_at", "council", "offer", "name", "status", "assigned_adviser"]
    list_filter = ["status", "offer__theme", "assigned_adviser"]
    list_select_related = ["council", "offer", "assigned_adviser"]
    search_fields = ["reference", "council__name", "offer__title", "name", "email"]
    autocomplete_fields = ["council", "offer", "assigned_adviser", "engagement"]
    readonly_fields = ["reference", "created_at", "modified_at"]
    date_hierarchy = "created_at"
