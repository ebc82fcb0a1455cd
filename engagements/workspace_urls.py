"""URLs of the adviser workspace, included at /workspace/ (see the design's URL contract)."""

from django.urls import path

from engagements.workspace import (
    calendar_views,
    council_views,
    dashboard,
    data_views,
    engagement_views,
    import_views,
    request_views,
    settings_views,
)

app_name = "workspace"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("data/", data_views.data_and_api, name="data_and_api"),
    path("engagements/", engagement_views.engagement_list, name="engagement_list"),
    path("engagements/export.csv", engagement_views.engagement_export, name="engagement_export"),
    path("engagements/new/", engagement_views.engagement_new, name="engagement_new"),
    path("engagements/import/", import_views.engagement_import, name="engagement_import"),
    path("engagements/import/example.csv", import_views.engagement_import_example, name="engagement_import_example"),
    path("engagements/<int:pk>/", engagement_views.engagement_detail, name="engagement_detail"),
    path("engagements/<int:pk>/edit/", engagement_views.engagement_edit, name="engagement_edit"),
    path("engagements/<int:pk>/archive/", engagement_views.engagement_archive, name="engagement_archive"),
    path("engagements/<int:pk>/calendar.ics", calendar_views.engagement_calendar, name="engagement_calendar"),
    path("councils/<slug:slug>/", council_views.council_timeline, name="council_timeline"),
    path(
        "councils/<slug:slug>/suggestions/dismiss/",
        council_views.suggestion_dismiss_view,
        name="suggestion_dismiss",
    ),
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/<str:reference>/", request_views.request_detail, name="request_detail"),
    path("requests/<str:reference>/acknowledge/", request_views.request_acknowledge, name="request_acknowledge"),
    path("requests/<str:reference>/close/", request_views.request_close, name="request_close"),
    path("requests/<str:reference>/convert/", request_views.request_convert, name="request_convert"),
    path("settings/", settings_views.notification_settings, name="notification_settings"),
    path("settings/calendar/reset/", settings_views.calendar_reset, name="calendar_reset"),
]
