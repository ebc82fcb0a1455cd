"""The dashboard: a principal adviser's councils at a glance (a manager's: every council)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone

from engagements import dashboard_selectors, intelligence, permissions
from engagements.filters import CouncilFilter, EngagementFilter
from engagements.follow_ups import RECENTLY_OVERDUE_DAYS, follow_ups_due, long_overdue_follow_ups
from engagements.models import Council, Engagement, SupportRequest
from engagements.workspace.access import paginate, sort_from, workspace_view

COUNCILS_PER_PAGE = 50
LIST_LIMIT = 10
# The filters a manager's dashboard takes.
SCOPE = ("region", "adviser")


def dashboard(request: HttpRequest) -> HttpResponse:
    """Where everyone lands after signing in: those who read the data but do not log engagements
    (analysts) are sent to their own page; the rest need the workspace."""
    user = request.user
    if user.is_authenticated and not permissions.can_use_workspace(user) and permissions.can_view_engagements(user):
        return redirect("workspace:data_and_api")
    return adviser_dashboard(request)


@workspace_view
def adviser_dashboard(request: HttpRequest) -> HttpResponse:
    """A fixed number of queries however many engagements there are (pinned in the tests)."""
    today = timezone.localdate()
    user = request.user
    manager = permissions.is_manager(user)
    adviser = permissions.adviser_for(user)
    filter_form = None
    if manager:
        # A manager narrows the dashboard by region and adviser: the councils by theirs, the
        # follow-ups by the engagement's, the waiting requests by their council's.
        scope = QueryDict(mutable=True)
        for name in SCOPE:
            scope.setlist(name, request.GET.getlist(name))
        council_filters = CouncilFilter.only(*SCOPE).for_page(scope, Council.objects.all(), request=request)
        councils = council_filters.qs
        engagements = EngagementFilter.only(*SCOPE).for_page(scope, Engagement.objects.all(), request=request).qs
        requests = permissions.requests_for(user)
        if council_filters.given(*SCOPE):
            requests = requests.filter(council__in=councils)
        filter_form = council_filters.form
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

    sort, descending = sort_from(
        request.GET, dashboard_selectors.DASHBOARD_SORTS, dashboard_selectors.DASHBOARD_DEFAULT_SORT
    )
    rows = dashboard_selectors.dashboard_councils(councils, today=today, sort=sort, descending=descending)
    this_quarter, last_quarter = dashboard_selectors.dashboard_coverage(rows, today=today)
    follow_ups = list(follow_ups_due(engagements, today=today)[: LIST_LIMIT + 1])
    long_overdue = long_overdue_follow_ups(engagements, today=today).count()
    waiting = list(requests.open().with_related().order_by("created_at")[: LIST_LIMIT + 1])
    # The councils going quiet are among the table's rows, with their last held engagement.
    quiet = intelligence.quiet_among(rows, today=today)
    return render(
        request,
        "workspace/dashboard.html",
        {
            "manager": manager,
            "adviser": adviser,
            "filter_form": filter_form,
            "page_obj": paginate(request, rows, COUNCILS_PER_PAGE),
            "council_count": len(rows),
            "sort": sort,
            "descending": descending,
            "this_quarter": this_quarter,
            "last_quarter": last_quarter,
            "follow_ups": follow_ups[:LIST_LIMIT],
            "more_follow_ups": len(follow_ups) > LIST_LIMIT,
            "long_overdue": long_overdue,
            "recently_overdue_days": RECENTLY_OVERDUE_DAYS,
            "due_this_week": today + datetime.timedelta(days=7),
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
