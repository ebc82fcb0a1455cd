"""The public council register and each council's page."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from engagements.public import selectors
from engagements.public.forms import CouncilRegisterFilterForm
from lga_portal import page_cache
from lga_portal.http import conditional_for_anonymous

COUNCILS_PER_PAGE = 50
GSS_CODE = re.compile(r"^E\d{8}$")


# Kept in the cache only where the page state is (no database state of their own).
@conditional_for_anonymous(scopes=(page_cache.COUNCILS,), query_names=("q", "region", "kind", "abolished", "page"))
def council_list(request: HttpRequest) -> HttpResponse:
    form = CouncilRegisterFilterForm(request.GET)
    form.is_valid()  # always true: unknown values are dropped, the rest kept
    councils = selectors.council_register(**form.register_filters())
    page = Paginator(councils, COUNCILS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagements/council_list.html",
        {
            "form": form,
            "page_obj": page,
            "councils": page.object_list,
            "breadcrumbs": [("Home", reverse("engagements:home"))],
        },
    )


@conditional_for_anonymous(scopes=(page_cache.COUNCILS,))
def council_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One council's public page, by GSS code; a slug redirects to the code's address."""
    if GSS_CODE.match(code.upper()):
        if code != code.upper():
            return redirect("engagements:council_detail", code=code.upper())
        council = selectors.council_for_page(gss_code=code)
    else:
        council = selectors.council_for_page(slug=code)
        if council is not None:
            return redirect(council)
    if council is None:
        raise Http404("No such council")
    breadcrumbs = [("Home", reverse("engagements:home")), ("Councils", reverse("engagements:council_list"))]
    return render(request, "engagements/council_detail.html", {"council": council, "breadcrumbs": breadcrumbs})
