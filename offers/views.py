"""Public catalogue pages."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from offers.models import OfferStatus, Theme


def home(request: HttpRequest) -> HttpResponse:
    themes = Theme.objects.annotate(
        available=Count("offers", filter=Q(offers__is_published=True, offers__status=OfferStatus.AVAILABLE))
    )
    return render(request, "offers/home.html", {"themes": themes})
