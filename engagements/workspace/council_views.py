"""A council's timeline: everything the LGA has had to do with it, newest first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from engagements import permissions, selectors
from engagements.models import Council
from engagements.workspace.access import paginate, workspace_view

ENGAGEMENTS_PER_PAGE = 20
REQUESTS_SHOWN = 20


@workspace_view
def council_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    """Engagements (paginated), support requests and the offers most recently taken up, with the
    council's public facts and adviser: a fixed number of queries, and a page of bounded size,
    however many engagements it has."""
    user = request.user
    council = get_object_or_404(Council.objects.with_related().prefetch_related("predecessors"), slug=slug)
    engagements = permissions.with_visible_notes(
        council.engagements.live().select_related("adviser").prefetch_related("roles", "offers", "themes"), user
    ).order_by("-date", "-id")
    requests = list(
        permissions.requests_for(user, council.support_requests.all())
        .select_related("offer", "engagement")
        .order_by("-created_at")[: REQUESTS_SHOWN + 1]
    )
    offers_taken_up, offers_taken_up_count = selectors.offers_taken_up_by_council(council)
    return render(
        request,
        "workspace/council_timeline.html",
        {
            "council": council,
            "page_obj": paginate(request, engagements, ENGAGEMENTS_PER_PAGE),
            "query_string": "",
            "support_requests": requests[:REQUESTS_SHOWN],
            "more_requests": len(requests) > REQUESTS_SHOWN,
            "offers_taken_up": offers_taken_up,
            "offers_taken_up_count": offers_taken_up_count,
            "can_log": permissions.can_log_engagements(user),
        },
    )
