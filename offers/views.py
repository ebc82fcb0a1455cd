"""Catalogue pages that need nothing but the catalogue: the offer list and the theme pages.

The home page, the offer page and the request form also show councils, advisers or take-up,
so the engagements app serves them (offers never imports engagements).
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from lga_portal.http import conditional_for_anonymous
from offers import selectors
from offers.forms import FILTER_NAMES, CatalogueFilterForm
from offers.models import Theme

OFFERS_PER_PAGE = 20


def _catalogue_state(request: HttpRequest, *args, **kwargs):
    return selectors.catalogue_state()


@conditional_for_anonymous(_catalogue_state)
def offer_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET)
    form.is_valid()  # always true: unknown values are dropped, the rest kept
    offers = selectors.offer_catalogue(**form.catalogue_filters())
    # get_page: a page number past the end shows the last page, a bad one the first.
    page = Paginator(offers, OFFERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "offers/offer_list.html",
        {
            "form": form,
            "page_obj": page,
            "offers": page.object_list,
            "breadcrumbs": [("Home", "/")],
            "query_string": form.query_string(),
            # "Clear filters" keeps the search words.
            "clear_filters_query_string": form.query_string(without=("page", "sort", *FILTER_NAMES)),
        },
    )


@conditional_for_anonymous(_catalogue_state)
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    offers = selectors.offers_for_listing(theme.offers.all()).order_by("title")
    breadcrumbs = [("Home", "/"), ("Support offers", reverse("offers:offer_list"))]
    return render(request, "offers/theme_detail.html", {"theme": theme, "offers": offers, "breadcrumbs": breadcrumbs})
