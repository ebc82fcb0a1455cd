"""/api/hsds/: the HSDS API's endpoints, with or without a final slash, as directory systems call them."""

from django.urls import path, re_path

from offers.hsds import views


def endpoints(prefix: str, viewset, basename: str) -> list:
    """A list and its records by id (any string: an id that is not one answers 404)."""
    return [
        re_path(rf"^{prefix}/?$", viewset.as_view({"get": "list"}, basename=basename), name=f"{basename}-list"),
        re_path(
            rf"^{prefix}/(?P<pk>[^/]+)/?$",
            viewset.as_view({"get": "retrieve"}, basename=basename),
            name=f"{basename}-detail",
        ),
    ]


urlpatterns = [
    path("", views.RootView.as_view(), name="hsds-root"),
    path("openapi.json", views.OpenAPIView.as_view(), name="hsds-openapi"),
    *endpoints("services", views.ServiceViewSet, "hsds-service"),
    *endpoints("taxonomies", views.TaxonomyViewSet, "hsds-taxonomy"),
    *endpoints("taxonomy_terms", views.TaxonomyTermViewSet, "hsds-taxonomy-term"),
    re_path(r"^.*$", views.NoSuchEndpoint.as_view()),
]
