"""The offer page (with its take-up), the support request form and its confirmation."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from engagements.models import SupportRequest
from engagements.notifications import contact_for
from engagements.public import selectors
from engagements.public.forms import OfferContactForm, SupportRequestForm
from engagements.services import (
    support_request_address_count,
    support_request_address_refusal,
    support_request_create,
)
from lga_portal import page_cache
from lga_portal.http import conditional_for_anonymous
from lga_portal.rate_limits import client_address
from offers.models import Offer
from offers.selectors import related_offers, requestable_alternatives

# The confirmation page's address carries the request's reference, signed, so it cannot be
# guessed or used to read other people's requests; it stops working after a week.
CONFIRMATION_SALT = "engagements.support-request-sent"
CONFIRMATION_MAX_AGE = 7 * 24 * 60 * 60


def _offer_page_state(request: HttpRequest, *args, **kwargs):
    # With a council chosen, "Who to contact" names its principal adviser.
    return selectors.offer_page_state(with_contacts="council" in request.GET)


def _offer_breadcrumbs(offer: Offer) -> list[tuple[str, str]]:
    return [
        ("Home", reverse("engagements:home")),
        ("Support offers", reverse("offers:offer_list")),
        (offer.theme.name, offer.theme.get_absolute_url()),
    ]


@conditional_for_anonymous(
    _offer_page_state,
    scopes=(page_cache.CATALOGUE, page_cache.ENGAGEMENTS, page_cache.COUNCILS),
    daily=True,
    query_names=("council",),
)
def offer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    offer = get_object_or_404(Offer.objects.published().with_related(), slug=slug)
    contact_form = OfferContactForm(request.GET if "council" in request.GET else None, auto_id="contact-%s")
    contact_council = (
        contact_form.cleaned_data["council"] if contact_form.is_bound and contact_form.is_valid() else None
    )
    refusal = offer.request_refusal
    return render(
        request,
        "engagements/offer_detail.html",
        {
            "offer": offer,
            "take_up": selectors.offer_take_up_last_year(offer),
            "related_offers": related_offers(offer),
            "refusal": refusal,
            "alternatives": requestable_alternatives(offer) if refusal else [],
            "contact_form": contact_form,
            "contact_council": contact_council,
            # The routing a request follows, so the page names whoever would receive one.
            "contact": contact_for(offer, contact_council) if contact_council else None,
            "breadcrumbs": _offer_breadcrumbs(offer),
        },
    )


def offer_request(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for an offer for a council; on success, redirect to the confirmation (POST/redirect/GET).

    An offer that cannot be requested (suspended, closed, not yet available) says why in place of
    the form; one that became so while the form was open refuses the request with that reason.
    """
    offer = get_object_or_404(Offer.objects.published().select_related("theme"), slug=slug)
    form = SupportRequestForm(request.POST if request.method == "POST" else None)
    refusal = offer.request_refusal
    if form.is_bound and refusal:
        form.add_error(None, refusal)
    elif form.is_bound and form.is_valid():
        address = client_address(request)
        if address_refusal := support_request_address_refusal(address):
            form.add_error(None, address_refusal)
        else:
            try:
                support_request = support_request_create(offer=offer, **form.support_request_values())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                support_request_address_count(address)
                token = signing.dumps(support_request.reference, salt=CONFIRMATION_SALT)
                return redirect("engagements:offer_request_sent", slug=offer.slug, token=token)
            # The service reads the offer afresh: it may have been suspended a moment ago.
            offer.refresh_from_db(fields=["status", "is_published"])
            refusal = offer.request_refusal
    breadcrumbs = [*_offer_breadcrumbs(offer), (offer.title, offer.get_absolute_url())]
    return render(
        request,
        "engagements/supportrequest_form.html",
        {
            "offer": offer,
            "form": form,
            "refusal": refusal,
            "alternatives": requestable_alternatives(offer) if refusal else [],
            "breadcrumbs": breadcrumbs,
        },
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
