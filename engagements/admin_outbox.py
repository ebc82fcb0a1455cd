"""The admin's view of the outbox (every email sent, pending or failed) and of people's
notification choices. Managers see the outbox and retry failed emails; nothing is edited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from engagements.models import EmailStatus, NotificationPreference, OutgoingEmail
from engagements.outbox import email_retry


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status_tag", "kind", "to", "subject", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "dedupe_key"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = [
        "status",
        "kind",
        "to",
        "from_email",
        "subject",
        "user",
        "dedupe_key",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "headers",
        "text_body",
        "html_body",
    ]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="status", ordering="status")
    def status_tag(self, email: OutgoingEmail) -> str:
        colour = {EmailStatus.SENT: "#00703c", EmailStatus.FAILED: "#d4351c"}.get(email.status, "#505a5f")
        return format_html('<strong style="color:{}">{}</strong>', colour, email.get_status_display())

    @admin.display(description="last error")
    def short_error(self, email: OutgoingEmail) -> str:
        return email.last_error[:80] + ("…" if len(email.last_error) > 80 else "")

    @admin.action(description="Send the selected emails again", permissions=["change"])
    def retry(self, request, queryset) -> None:
        retried = sum(email_retry(email=email) for email in queryset)
        skipped = queryset.count() - retried
        if retried:
            self.message_user(request, f"{retried} email{'s' if retried != 1 else ''} queued to send again.")
        if skipped:
            self.message_user(
                request,
                f"{skipped} already sent or being sent now; not sent again.",
                level=messages.WARNING,
            )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "follow_up_reminders", "digest", "digest_weekday", "modified_at"]
    list_filter = ["follow_up_reminders", "digest", "digest_weekday"]
    search_fields = ["user__username", "user__email"]
    exclude = ["calendar_secret"]  # a credential: reset from the settings page, never shown here
    autocomplete_fields = ["user"]
