"""Catalogue pages that need nothing but the catalogue: the offer list and the theme pages.

The home page, the offer page and the request form also show councils, advisers or take-up,
so the engagements app serves them (offers never imports engagements).
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from lga_portal import page_cache
from lga_portal.http import conditional_for_anonymous
from offers import selectors
from offers.forms import FILTER_NAMES, CatalogueFilterForm, PublicationFilterForm
from offers.models import Publication, Theme
from offers.search import zero_result_search_record

OFFERS_PER_PAGE = 20
PUBLICATIONS_PER_PAGE = 20


class CountedPaginator(Paginator):
    """A paginator given its count (already worked out, and capped) rather than counting again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached property


def _catalogue_state(request: HttpRequest, *args, **kwargs):
    return selectors.catalogue_state(searching=bool(request.GET.get("q", "").strip()))


@conditional_for_anonymous(_catalogue_state, query_names=("q", "exact", *FILTER_NAMES, "sort", "page"))
def offer_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET)
    form.is_valid()  # always true: unknown values are dropped, the rest kept
    results = selectors.catalogue_results(**form.catalogue_filters())
    # Filters explain an empty page by themselves; a search alone that finds nothing is news.
    logged = form.is_searching and not results.count and not form.has_filters
    if logged:
        zero_result_search_record(query=form.cleaned_data["q"])
    # get_page: a page number past the end shows the last page, a bad one the first.
    page = CountedPaginator(results.pages, OFFERS_PER_PAGE, count=results.count).get_page(request.GET.get("page"))
    searched_for = results.corrected or form.cleaned_data["q"]
    response = render(
        request,
        "offers/offer_list.html",
        {
            "form": form,
            "page_obj": page,
            "offers": selectors.with_names(page.object_list),
            "count": results.count,
            "more": results.more,
            "searched_for": searched_for,
            "corrected": results.corrected,
            "breadcrumbs": [("Home", "/")],
        },
    )
    if logged:
        # Each such search is counted, so the page is rendered (and counted) every time.
        page_cache.do_not_store(response)
    return response


@conditional_for_anonymous(_catalogue_state, scopes=(page_cache.CATALOGUE,))
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    offers = selectors.with_names(selectors.offers_for_listing(theme.offers.all()).order_by("title"))
    breadcrumbs = [("Home", "/"), ("Support offers", reverse("offers:offer_list"))]
    context = {"theme": theme, "offers": offers, "breadcrumbs": breadcrumbs, "publications": theme.publications.count()}
    return render(request, "offers/theme_detail.html", context)


def _publications_state(request: HttpRequest, *args, **kwargs):
    return selectors.publications_state()


@conditional_for_anonymous(_publications_state, query_names=("q", "theme", "kind", "page"))
def publication_list(request: HttpRequest) -> HttpResponse:
    """The LGA's publications: search by words, filter by theme and kind, 20 a page."""
    form = PublicationFilterForm(request.GET)
    form.is_valid()  # always true: unknown values are dropped, the rest kept
    data = form.cleaned_data
    publications = selectors.publication_list(q=data["q"], themes=data["theme"], kinds=data["kind"])
    count = publications.count()
    page = CountedPaginator(publications, PUBLICATIONS_PER_PAGE, count=count).get_page(request.GET.get("page"))
    return render(
        request,
        "offers/publication_list.html",
        {
            "form": form,
            "page_obj": page,
            "publications": page.object_list,
            "count": count,
            "total": Publication.objects.count() if form.has_filters or data["q"] else count,
            "breadcrumbs": [("Home", "/")],
        },
    )
