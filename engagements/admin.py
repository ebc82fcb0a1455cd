"""The admin for the register (regions, councils, advisers) and for engagements and support
requests. Engagements are saved through ``engagements.services`` like everywhere else, so the
version moves, stale saves are refused and history is written once per save; a support
request's status only moves in the workspace, through its services.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from engagements import (
    admin_outbox,  # noqa: F401  (registers the outbox and notification choices)
    services,
)
from engagements.forms import CONFLICT_CHANGE, CONFLICT_NEXT_STEP
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


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History to read, not to revert: reverting would save an old copy past the services."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class EngagementAdminForm(forms.ModelForm):
    """The engagement form of the admin: it carries the version it was opened at, and is refused,
    with what changed, if the engagement has been saved since (as in the workspace)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Who is saving, set by the admin for each request: what a refusal shows depends on it.
    user = None

    class Meta:
        model = Engagement
        # What a write may set (the services' list); who and when are stamped by the services.
        fields = [*services.ENGAGEMENT_FIELDS, *services.ENGAGEMENT_M2M]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        # The admin saves in one transaction: the lock taken here holds until the service saves.
        try:
            services.engagement_lock(engagement=self.instance, version=data.get("version"), user=self.user)
        except services.EngagementConflict as conflict:
            errors = [services.STALE_VERSION]
            errors += [CONFLICT_CHANGE.format(field=f, before=b, after=a) for f, b, a in conflict.changes]
            errors.append(CONFLICT_NEXT_STEP)
            # The manager has now seen the other changes; saving again replaces them knowingly.
            self.data = self.data.copy()
            self.data["version"] = str(conflict.current.version)
            raise ValidationError(errors) from None
        return data

    def service_values(self) -> dict:
        """The form's values for ``engagement_create`` or ``engagement_update``."""
        names = [*services.ENGAGEMENT_FIELDS, *services.ENGAGEMENT_M2M]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyHistoryAdmin):
    form = EngagementAdminForm
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
        "created_at",
        "created_by",
        "modified_at",
        "modified_by",
        "archived_at",
        "archived_by",
    ]
    actions = ["archive"]

    def has_change_permission(self, request, obj=None):
        # Archived engagements keep their record as it was: they can be read, not changed.
        if obj is not None and obj.archived_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Engagements are archived, never deleted: deleting would take their history with them.
        return False

    def get_form(self, request, obj=None, **kwargs):
        # A class made for this request, so the user set on it is this request's.
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.engagement_update(
                engagement=obj, user=request.user, version=form.cleaned_data["version"], **form.service_values()
            )
        else:
            saved = services.engagement_create(user=request.user, **form.service_values())
        # The admin goes on with ``obj`` (its messages, its log entry, the redirect).
        obj.pk, obj.version, obj._state.adding = saved.pk, saved.version, False

    def save_related(self, request, form, formsets, change):
        # The service has set the roles, offers and themes, in the same history entry as the row.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description="Archive the selected engagements", permissions=["change"])
    def archive(self, request, queryset):
        engagements = list(queryset.filter(archived_at__isnull=True))
        for engagement in engagements:
            services.engagement_archive(engagement=engagement, user=request.user)
        messages.success(request, f"Archived {len(engagements)} engagement(s).")


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "created_at", "council", "offer", "name", "status", "assigned_adviser"]
    list_filter = ["status", "offer__theme", "assigned_adviser"]
    list_select_related = ["council", "offer", "assigned_adviser"]
    search_fields = ["reference", "council__name", "offer__title", "name", "email"]
    autocomplete_fields = ["council", "offer", "assigned_adviser"]
    # Where a request has got to moves only in the workspace, through its services
    # (acknowledge, close with a reason, convert into an engagement).
    readonly_fields = [
        "reference",
        "handle_in_workspace",
        "status",
        "acknowledged_at",
        "closed_at",
        "closed_reason",
        "engagement",
        "created_at",
        "modified_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        # Requests come from the public form, which checks for spam and emails the adviser.
        return False

    @admin.display(description="Handle the request")
    def handle_in_workspace(self, obj):
        url = reverse("workspace:request_detail", args=[obj.reference])
        return format_html('<a href="{}">Acknowledge, close or convert it in the workspace</a>', url)
