"""Root URL configuration: one include per app, in the order of the design's URL contract."""

from django.contrib import admin
from django.contrib.auth.views import PasswordResetView
from django.urls import include, path

import offers.urls
from engagements.accounts import QueuedPasswordResetForm
from engagements.urls import offer_page_urlpatterns
from lga_portal import views
from lga_portal.api.docs import ApiDocsView, ApiSchemaView

urlpatterns = [
    # The catalogue's names (offers:…), including the offer page, which engagements serves.
    path("", include((offers.urls.urlpatterns + offer_page_urlpatterns, offers.urls.app_name))),
    path("", include("engagements.urls")),
    path("", include("metrics.urls")),
    path("api/schema/", ApiSchemaView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("lga_portal.api.urls")),
    # Django's own password reset, with its email queued for the worker like every other.
    path(
        "accounts/password_reset/",
        PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm, html_email_template_name="engagements/emails/password_reset.html"
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("workspace/", include("engagements.workspace_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
]

handler404 = "lga_portal.views.page_not_found"
handler500 = "lga_portal.views.server_error"
