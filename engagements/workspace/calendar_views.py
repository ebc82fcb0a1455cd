"""An engagement as a one-off calendar file, from its page in the workspace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from engagements import calendar
from engagements.models import Engagement
from engagements.workspace.access import workspace_view


@workspace_view
def engagement_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement.objects.select_related("council", "adviser"), pk=pk)
    response = HttpResponse(calendar.engagement_ics(engagement), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="engagement-{engagement.pk}.ics"'
    return response
