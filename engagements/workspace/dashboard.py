"""The dashboard: a principal adviser's councils at a glance (a manager's: every council)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from engagements import intelligence, permissions, selectors
from engagements.forms import DashboardFilterForm
from engagements.models import Council, Engagement, SupportRequest
from engagements.workspace.access import paginate, query_string, sort_from, workspace_view

COUNCILS_PER_PAGE = 50
LIST_LIMIT = 10


@workspace_view
def dashboard(request: HttpRequest) -> HttpResponse:
    """A fixed number of queries however many engagements there are (pinned in the tests)."""
    today = timezone.localdate()
    user = request.user
    manager = permissions.is_manager(user)
    adviser = permissions.adviser_for(user)
    filter_form = None
    if manager:
        filter_form = DashboardFilterForm(request.GET)
        filters = filter_form.filters()
        councils = Council.objects.all()
        engagements = Engagement.objects.all()
        requests = permissions.requests_for(user)
        if region := filters.get("region"):
            councils = councils.filter(region=region)
            engagements = engagements.filter(council__region=region)
            requests = requests.filter(council__region=region)
        if chosen := filters.get("adviser"):
            councils = councils.filter(adviser=chosen)
            engagements = engagements.filter(adviser=chosen)
            requests = requests.filter(council__adviser=chosen)
    elif adviser is not None:
        councils = Council.objects.filter(adviser=adviser)
        engagements = Engagement.objects.filter(adviser=adviser)
        requests = permissions.requests_for(user)
    else:
        councils, engagements, requests = (
            Council.objects.none(),
            Engagement.objects.none(),
            SupportRequest.objects.none(),
        )

    sort, descending = sort_from(request.GET, selectors.DASHBOARD_SORTS, selectors.DASHBOARD_DEFAULT_SORT)
    rows = selectors.dashboard_councils(councils, today=today, sort=sort, descending=descending)
    this_quarter, last_quarter = selectors.dashboard_coverage(rows, today=today)
    follow_ups = list(selectors.follow_ups_due(engagements, today=today)[: LIST_LIMIT + 1])
    waiting = list(requests.open().with_related().order_by("created_at")[: LIST_LIMIT + 1])
    quiet = intelligence.councils_gone_quiet(councils, today=today)
    return render(
        request,
        "workspace/dashboard.html",
        {
            "manager": manager,
            "adviser": adviser,
            "filter_form": filter_form,
            "page_obj": paginate(request, rows, COUNCILS_PER_PAGE),
            "council_count": len(rows),
            "query_string": query_string(request.GET),
            "sort": sort,
            "descending": descending,
            "this_quarter": this_quarter,
            "last_quarter": last_quarter,
            "follow_ups": follow_ups[:LIST_LIMIT],
            "more_follow_ups": len(follow_ups) > LIST_LIMIT,
            "waiting_requests": waiting[:LIST_LIMIT],
            "more_requests": len(waiting) > LIST_LIMIT,
            "quiet_councils": quiet[:LIST_LIMIT],
            "quiet_count": len(quiet),
            "quiet_days": intelligence.QUIET_DAYS,
            "today": today,
            "can_log": permissions.can_log_engagements(user),
            "can_import": permissions.can_import_engagements(user),
        },
    )
