"""Public pages that combine the catalogue with councils, advisers and engagements: the home
page, the offer page, the support request form and its confirmation, and the council register.
"""

from __future__ import annotations

import re

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from engagements import public_selectors
from engagements.models import SupportRequest
from engagements.public_forms import CouncilRegisterFilterForm, FindAdviserForm, SupportRequestForm
from engagements.services import (
    support_request_address_count,
    support_request_address_refusal,
    support_request_create,
)
from lga_portal import page_cache
from lga_portal.http import conditional_for_anonymous
from lga_portal.rate_limits import client_address
from offers.models import Offer
from offers.selectors import newest_offers, related_offers, themes_with_available_counts

COUNCILS_PER_PAGE = 50
GSS_CODE = re.compile(r"^E\d{8}$")

# The confirmation page's address carries the request's reference, signed, so it cannot be
# guessed or used to read other people's requests; it stops working after a week.
CONFIRMATION_SALT = "engagements.support-request-sent"
CONFIRMATION_MAX_AGE = 7 * 24 * 60 * 60


def _home_state(request: HttpRequest, *args, **kwargs):
    return public_selectors.home_page_state()


def _offer_page_state(request: HttpRequest, *args, **kwargs):
    return public_selectors.offer_page_state()


def _offer_breadcrumbs(offer: Offer) -> list[tuple[str, str]]:
    return [
        ("Home", reverse("engagements:home")),
        ("Support offers", reverse("offers:offer_list")),
        (offer.theme.name, offer.theme.get_absolute_url()),
    ]


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


@conditional_for_anonymous(_offer_page_state, scopes=(page_cache.CATALOGUE, page_cache.ENGAGEMENTS), daily=True)
def offer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    offer = get_object_or_404(Offer.objects.published().with_related(), slug=slug)
    return render(
        request,
        "engagements/offer_detail.html",
        {
            "offer": offer,
            "take_up": public_selectors.offer_take_up_last_year(offer),
            "related_offers": related_offers(offer),
            "breadcrumbs": _offer_breadcrumbs(offer),
        },
    )


def offer_request(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for an offer for a council; on success, redirect to the confirmation (POST/redirect/GET)."""
    offer = get_object_or_404(Offer.objects.published().select_related("theme"), slug=slug)
    form = SupportRequestForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        address = client_address(request)
        if refusal := support_request_address_refusal(address):
            form.add_error(None, refusal)
        else:
            try:
                support_request = support_request_create(offer=offer, **form.support_request_values())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                support_request_address_count(address)
                token = signing.dumps(support_request.reference, salt=CONFIRMATION_SALT)
                return redirect("engagements:offer_request_sent", slug=offer.slug, token=token)
    breadcrumbs = [*_offer_breadcrumbs(offer), (offer.title, offer.get_absolute_url())]
    return render(
        request, "engagements/supportrequest_form.html", {"offer": offer, "form": form, "breadcrumbs": breadcrumbs}
    )


@never_cache
def offer_request_sent(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    try:
        reference = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature as error:  # also when expired
        raise Http404("Unknown or expired confirmation") from error
    support_request = get_object_or_404(
        SupportRequest.objects.select_related("offer__theme", "council", "assigned_adviser"),
        reference=reference,
        offer__slug=slug,
    )
    return render(request, "engagements/supportrequest_sent.html", {"support_request": support_request})


# Kept in the cache only where the page state is (no database state of their own).
@conditional_for_anonymous(scopes=(page_cache.COUNCILS,), query_names=("q", "region", "kind", "abolished", "page"))
def council_list(request: HttpRequest) -> HttpResponse:
    form = CouncilRegisterFilterForm(request.GET)
    form.is_valid()  # always true: unknown values are dropped, the rest kept
    councils = public_selectors.council_register(**form.register_filters())
    page = Paginator(councils, COUNCILS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagements/council_list.html",
        {
            "form": form,
            "page_obj": page,
            "councils": page.object_list,
            "query_string": form.query_string(),
            "breadcrumbs": [("Home", reverse("engagements:home"))],
        },
    )


@conditional_for_anonymous(scopes=(page_cache.COUNCILS,))
def council_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One council's public page, by GSS code; a slug redirects to the code's address."""
    if GSS_CODE.match(code.upper()):
        if code != code.upper():
            return redirect("engagements:council_detail", code=code.upper())
        council = public_selectors.council_for_page(gss_code=code)
    else:
        council = public_selectors.council_for_page(slug=code)
        if council is not None:
            return redirect(council)
    if council is None:
        raise Http404("No such council")
    breadcrumbs = [("Home", reverse("engagements:home")), ("Councils", reverse("engagements:council_list"))]
    return render(request, "engagements/council_detail.html", {"council": council, "breadcrumbs": breadcrumbs})
