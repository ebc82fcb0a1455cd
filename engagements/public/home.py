"""The home page: what the portal is, search, themes, newest offers and "find your principal adviser"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from engagements.public import selectors
from engagements.public.forms import FindAdviserForm
from lga_portal import page_cache
from lga_portal.http import conditional_for_anonymous
from offers.selectors import newest_offers, themes_with_available_counts


def _home_state(request: HttpRequest, *args, **kwargs):
    return selectors.home_page_state()


@conditional_for_anonymous(_home_state, scopes=(page_cache.CATALOGUE, page_cache.COUNCILS), query_names=("council",))
def home(request: HttpRequest) -> HttpResponse:
    """What the portal is, search, themes with available offers, newest offers, find your adviser."""
    finder = FindAdviserForm(request.GET if "council" in request.GET else None, auto_id="find-adviser-%s")
    if finder.is_bound and finder.is_valid():
        return redirect(finder.cleaned_data["council"].get_absolute_url() + "#principal-adviser")
    return render(
        request,
        "engagements/home.html",
        {
            "finder": finder,
            "themes": themes_with_available_counts(),
            "newest_offers": newest_offers(),
        },
    )
