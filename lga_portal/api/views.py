"""Base classes for the apps' viewsets: CSV on lists, JSON errors whatever was asked for."""

from __future__ import annotations

from rest_framework import permissions, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from lga_portal.api.pagination import check_paging
from lga_portal.api.renderers import CSVRenderer, streaming_csv_response


class CSVListMixin:
    """Lets the actions in ``csv_actions`` answer CSV (the whole filtered list, streamed)."""

    csv_actions: tuple[str, ...] = ("list",)

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) in self.csv_actions:
            renderers.append(CSVRenderer())
        return renderers

    def wants_csv(self) -> bool:
        return isinstance(getattr(self.request, "accepted_renderer", None), CSVRenderer)

    def csv_filename(self) -> str:
        return f"{self.basename}.csv"

    def csv_response(self, queryset):
        check_paging(self.request)
        return streaming_csv_response(self.get_serializer(), queryset, self.csv_filename())

    def list(self, request, *args, **kwargs):
        if self.wants_csv():
            return self.csv_response(self.filter_queryset(self.get_queryset()))
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Errors are always JSON, even when CSV was asked for, so the reason can be read.
        if isinstance(response, Response) and response.status_code >= 400:
            if isinstance(getattr(response, "accepted_renderer", None), CSVRenderer):
                response.accepted_renderer = JSONRenderer()
                response.accepted_media_type = JSONRenderer.media_type
        return response


class ReadOnlyViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """A list (JSON or CSV, paged, filtered) and a detail."""


class ModelViewSet(CSVListMixin, viewsets.ModelViewSet):
    """Read and write; subclasses route writes through their app's services."""


class AggregateViewSet(CSVListMixin, viewsets.GenericViewSet):
    """A public list of figures computed by a selector (coverage, take-up, survey trends).

    Subclasses set ``serializer_class`` and ``queryset`` (an empty queryset of the model the
    figures are about, which the schema generator reads) and implement ``list``.
    """

    permission_classes = [permissions.AllowAny]
    pagination_class = None
    throttle_scope = "stats"
