"""The OpenAPI document and the interactive documentation, served without any CDN."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import permissions


class ApiSchemaView(SpectacularAPIView):
    """/api/schema/: the OpenAPI 3 document (YAML; ``?format=json`` for JSON)."""

    permission_classes = [permissions.AllowAny]


class ApiDocsView(SpectacularSwaggerSplitView):
    """/api/docs/: Swagger UI from the sidecar's static files, its start-up script a file of its own
    (``?script``) and its page styles a stylesheet, so it runs under the site's Content-Security-Policy
    unchanged."""

    permission_classes = [permissions.AllowAny]
    template_name = "lga_portal/api_docs.html"
