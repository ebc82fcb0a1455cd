"""The HSDS API's endpoints, on DRF like the rest of the portal's API.

Public (no sign-in) but rate-limited per address or per token like every public endpoint
(``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``); errors are the portal's JSON error shape
(``lga_portal.api.exceptions``); every answer, errors included, carries
``Access-Control-Allow-Origin: *`` so directory systems can read it from a browser. The
endpoints are described by their own OpenAPI document (``openapi``), so they stay out of
/api/schema/ (``schema = None``).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from lga_portal.api.params import read_params
from offers.hsds import selectors
from offers.hsds.mapping import HSDS_PROFILE, HSDS_VERSION
from offers.hsds.openapi import hsds_openapi
from offers.hsds.pagination import PageOfResults
from offers.hsds.params import NDJSON, ListParams, OneParams, ServiceListParams, TaxonomyTermListParams
from offers.hsds.renderers import NDJSONRenderer, ndjson_response, rows_of
from offers.hsds.serializers import (
    ServiceFullSerializer,
    ServiceMinimalSerializer,
    ServiceSerializer,
    TaxonomySerializer,
    TaxonomyTermSerializer,
)

SERVICE_NOT_FOUND = "No published service has this id."
TAXONOMY_NOT_FOUND = "No taxonomy has this id."
TAXONOMY_TERM_NOT_FOUND = "No taxonomy term has this id."
NO_SUCH_ENDPOINT = "The HSDS API has no such endpoint: see /api/hsds/openapi.json."


class HSDSView(APIView):
    """Open to all, throttled, JSON, with CORS on every answer and validated query parameters."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    schema = None  # Described by /api/hsds/openapi.json, not /api/schema/.
    params_class = OneParams

    def get_params_class(self):
        return self.params_class

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            # An unknown ?format= is a bad parameter like any other: answered 400 by the parameter
            # check below, once the rate limit has been applied, rather than DRF's 404.
            renderer = self.get_renderers()[0]
            return renderer, renderer.media_type

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.params = read_params(self.get_params_class(), request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Errors are JSON even when NDJSON was asked for, so the reason can be read.
        if isinstance(response, Response) and response.status_code >= 400:
            if isinstance(getattr(response, "accepted_renderer", None), NDJSONRenderer):
                response.accepted_renderer = JSONRenderer()
                response.accepted_media_type = JSONRenderer.media_type
        response["Access-Control-Allow-Origin"] = "*"
        return response


class HSDSViewSet(HSDSView, viewsets.GenericViewSet):
    """A paged list (or, with ``format=ndjson``, the whole list streamed) and one record by id."""

    pagination_class = PageOfResults
    list_params_class = ListParams

    def get_params_class(self):
        return self.list_params_class if self.action == "list" else OneParams

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(NDJSONRenderer())
        return renderers

    def get_list(self):
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        items = self.get_list()
        serializer = self.get_serializer()
        if request.accepted_renderer.format == NDJSON:
            return ndjson_response(serializer.to_representation(item) for item in rows_of(items))
        page = self.paginate_queryset(items)
        return self.get_paginated_response([serializer.to_representation(item) for item in page])


class ServiceViewSet(HSDSViewSet):
    """``/services``: published offers as services; ``/services/{id}``: one, fully nested."""

    list_params_class = ServiceListParams

    def shape(self) -> str:
        if self.action != "list" or self.params["full"]:
            return selectors.FULL
        return selectors.MINIMAL if self.params["minimal"] else selectors.SUMMARY

    def get_serializer_class(self):
        return {
            selectors.MINIMAL: ServiceMinimalSerializer,
            selectors.SUMMARY: ServiceSerializer,
            selectors.FULL: ServiceFullSerializer,
        }[self.shape()]

    def get_list(self):
        params = self.params
        return selectors.services(
            search=params.get("search", ""),
            taxonomy_term_id=params.get("taxonomy_term_id"),
            taxonomy_id=params.get("taxonomy_id"),
            organization_id=params.get("organization_id"),
            modified_after=params.get("modified_after"),
            shape=self.shape(),
        )

    def retrieve(self, request, pk=None):
        offer = selectors.service(pk)
        if offer is None:
            raise NotFound(SERVICE_NOT_FOUND)
        return Response(self.get_serializer(offer).data)


class TaxonomyViewSet(HSDSViewSet):
    """``/taxonomies``: themes, audiences and formats; ``/taxonomies/{id}``: one of them."""

    serializer_class = TaxonomySerializer

    def get_list(self):
        return selectors.taxonomies(search=self.params.get("search", ""))

    def retrieve(self, request, pk=None):
        taxonomy = selectors.taxonomy(pk)
        if taxonomy is None:
            raise NotFound(TAXONOMY_NOT_FOUND)
        return Response(self.get_serializer(taxonomy).data)


class TaxonomyTermViewSet(HSDSViewSet):
    """``/taxonomy_terms``: every theme, audience and format; ``/taxonomy_terms/{id}``: one."""

    serializer_class = TaxonomyTermSerializer
    list_params_class = TaxonomyTermListParams

    def get_list(self):
        # ``top_only`` needs no filter: every term is at the top of a flat taxonomy.
        return selectors.taxonomy_terms(
            search=self.params.get("search", ""),
            taxonomy_id=self.params.get("taxonomy_id"),
            parent_id=self.params.get("parent_id"),
        )

    def retrieve(self, request, pk=None):
        term = selectors.taxonomy_term(pk)
        if term is None:
            raise NotFound(TAXONOMY_TERM_NOT_FOUND)
        return Response(self.get_serializer(term).data)


class RootView(HSDSView):
    """``/``: the HSDS version, profile and this API's OpenAPI document."""

    def get(self, request):
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": HSDS_PROFILE,
                "openapi_url": request.build_absolute_uri(reverse("api:hsds-openapi")),
            }
        )


class OpenAPIView(HSDSView):
    """``/openapi.json``: the endpoints served here, as the HSDS OpenAPI file describes them."""

    def get(self, request):
        return Response(hsds_openapi(server_url=request.build_absolute_uri(reverse("api:hsds-root"))))


class NoSuchEndpoint(HSDSView):
    """Anything else under /api/hsds/: a JSON 404, with CORS like every HSDS answer."""

    def initial(self, request, *args, **kwargs):
        # Rate-limited like the rest, then refused whatever the method or parameters.
        APIView.initial(self, request, *args, **kwargs)
        raise NotFound(NO_SUCH_ENDPOINT)
