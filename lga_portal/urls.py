"""Root URL configuration: one include per app, in the order of the design's URL contract."""

from django.contrib import admin
from django.urls import include, path

from lga_portal import views

urlpatterns = [
    path("", include("offers.urls")),
    path("", include("engagements.urls")),
    path("", include("metrics.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("workspace/", include("engagements.workspace_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
]

handler404 = "lga_portal.views.page_not_found"
handler500 = "lga_portal.views.server_error"
