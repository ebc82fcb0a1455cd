"""The landing page of those who read the portal's data rather than log engagements (analysts):
their API tokens, the API's documentation, and ready-made requests for JSON, CSV and open data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from engagements import permissions
from lga_portal.http import url_with_query
from lga_portal.models import ApiToken


@dataclass(frozen=True)
class ExampleRequest:
    """A ready-made API request: what it answers, and its address."""

    description: str
    path: str
    csv: bool = False


def example_requests(today: datetime.date) -> list[ExampleRequest]:
    """Requests an analyst often starts from, dated from ``today``."""
    year_ago = today - datetime.timedelta(days=365)
    two_years_ago = today - datetime.timedelta(days=2 * 365)
    engagements = reverse("api:engagement-list")
    last_year = {"date_from": year_ago.isoformat(), "date_to": today.isoformat()}
    period = {"from": two_years_ago.isoformat(), "to": today.isoformat()}

    def url(path: str, **query) -> str:
        return url_with_query(path, **query)

    return [
        ExampleRequest(
            "Engagements in the last 12 months, 1,000 to a page", url(engagements, **last_year, page_size=1000)
        ),
        ExampleRequest(
            "The same engagements, all of them, as one CSV file", url(engagements, **last_year, format="csv"), True
        ),
        ExampleRequest(
            "Engagements changed since yesterday, to keep a copy in step",
            url(reverse("api:engagement-feed"), modified_since=f"{today - datetime.timedelta(days=1)}T00:00:00Z"),
        ),
        ExampleRequest(
            "Share of councils engaged, by quarter and region, over two years",
            url(reverse("api:stats-coverage-list"), **period, period="quarter", by="region"),
        ),
        ExampleRequest(
            "Councils taking up each theme's offers over two years",
            url(reverse("api:stats-take-up-list"), **period, by="theme"),
        ),
        ExampleRequest(
            "Resident satisfaction, round by round, as CSV",
            url(reverse("api:stats-survey-trends-list"), survey="resident-satisfaction", format="csv"),
            True,
        ),
        ExampleRequest("Support requests from councils", url(reverse("api:supportrequest-list"))),
        ExampleRequest("Every published offer, as CSV", url(reverse("api:offer-list"), format="csv"), True),
        ExampleRequest("The council register, as CSV", url(reverse("api:council-list"), format="csv"), True),
    ]


# The catalogue as Open Referral HSDS 3.0 (the design's URL contract).
OPEN_DATA = [
    ExampleRequest("Services: every published offer, with its taxonomy terms", "/api/hsds/services"),
    ExampleRequest("Taxonomies: themes, audiences and formats", "/api/hsds/taxonomies"),
    ExampleRequest("Taxonomy terms", "/api/hsds/taxonomy_terms"),
]


def data_reader_view(view):
    """Signed-out visitors go to the sign-in page; those who may not read engagements get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_view_engagements(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@data_reader_view
def data_and_api(request: HttpRequest) -> HttpResponse:
    """A fixed number of queries: the user's usable tokens are counted, nothing else is read."""
    can_use_workspace = permissions.can_use_workspace(request.user)
    return render(
        request,
        "workspace/data_and_api.html",
        {
            "active_tokens": ApiToken.objects.filter(user=request.user).usable().count(),
            "examples": example_requests(timezone.localdate()),
            "open_data": OPEN_DATA,
            "site": request.build_absolute_uri("/").rstrip("/"),
            "can_log": can_use_workspace,
            "layout": "workspace/base.html" if can_use_workspace else "base.html",
        },
    )
