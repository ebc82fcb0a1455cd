"""The notification settings page: follow-up reminders, the digest, and the calendar feed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from engagements import notifications, permissions
from engagements.models import DigestFrequency, NotificationPreference, Weekday
from engagements.workspace.access import workspace_view

CHOOSE_DIGEST = "Choose how often to send your digest"
CHOOSE_WEEKDAY = "Choose the day to send your digest"
SETTINGS_SAVED = "Your notification settings have been saved."
CALENDAR_RESET = "Your calendar link has been reset. The old link no longer works: subscribe again with the new one."


class NotificationSettingsForm(forms.ModelForm):
    follow_up_reminders = forms.BooleanField(
        label="Email me on the day a follow-up falls due",
        required=False,
        help_text="One email that day, listing it with any follow-ups overdue in the last 30 days.",
    )
    digest = forms.ChoiceField(
        label="How often do you want the digest?",
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text="Follow-ups due and overdue, councils not engaged this quarter or gone quiet, support requests "
        "waiting and what is new in the catalogue. It is not sent when there is nothing in it.",
        error_messages={"required": CHOOSE_DIGEST, "invalid_choice": CHOOSE_DIGEST},
    )
    digest_weekday = forms.TypedChoiceField(
        label="Which day should it come?",
        choices=Weekday.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_WEEKDAY, "invalid_choice": CHOOSE_WEEKDAY},
    )

    class Meta:
        model = NotificationPreference
        fields = ["follow_up_reminders", "digest", "digest_weekday"]


@workspace_view
def notification_settings(request: HttpRequest) -> HttpResponse:
    preference = notifications.preference_for(request.user)
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None, instance=preference)
    if form.is_bound and form.is_valid():
        notifications.notification_preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, SETTINGS_SAVED)
        return redirect("workspace:notification_settings")
    adviser = permissions.adviser_for(request.user)
    has_calendar = adviser is not None and adviser.is_active
    return render(
        request,
        "workspace/notification_settings.html",
        {
            "form": form,
            "adviser": adviser,
            "has_calendar": has_calendar,
            "calendar_url": notifications.calendar_feed_url(preference) if has_calendar else "",
            "email": (adviser.email if adviser else "") or request.user.email,
        },
    )


@require_POST
@workspace_view
def calendar_reset(request: HttpRequest) -> HttpResponse:
    notifications.calendar_secret_reset(user=request.user)
    messages.success(request, CALENDAR_RESET)
    return redirect("workspace:notification_settings")
