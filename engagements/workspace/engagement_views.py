"""Engagements in the workspace: list and export, log, view with history, edit, archive."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from engagements import permissions, rows, services
from engagements.filters import EngagementFilter
from engagements.forms import (
    CONFLICT_CHANGE,
    CONFLICT_NEXT_STEP,
    EngagementForm,
    apply_service_errors,
    initial_for_new_engagement,
    initial_from_engagement,
)
from engagements.history import engagement_history
from engagements.models import Channel, Council, Engagement, EngagementKind
from engagements.workspace.access import paginate, workspace_view
from lga_portal.csv_export import csv_text_download
from lga_portal.http import url_with_query

ENGAGEMENTS_PER_PAGE = 25


def _listed(request: HttpRequest) -> EngagementFilter:
    """The live engagements of the list and its export, filtered as the query string says (values
    that do not parse are ignored, and shown beside their field)."""
    return EngagementFilter.for_page(request.GET, Engagement.objects.live(), request=request)


@workspace_view
def engagement_list(request: HttpRequest) -> HttpResponse:
    """Every live engagement, filtered; the same filters drive the CSV export."""
    filters = _listed(request)
    engagements = permissions.with_visible_notes(filters.qs, request.user).select_related("council", "adviser")
    page = paginate(request, engagements, ENGAGEMENTS_PER_PAGE)
    return render(
        request,
        "workspace/engagement_list.html",
        {
            "filter_form": filters.form,
            "councils": filters.form.cleaned_data.get("council") or [],
            "page_obj": page,
            "can_log": permissions.can_log_engagements(request.user),
        },
    )


@workspace_view
def engagement_export(request: HttpRequest) -> HttpResponse:
    """The engagements of the list, filtered as on screen, as a streamed CSV file."""
    engagements = _listed(request).qs
    return csv_text_download(
        rows.export_text(engagements, request.user), f"engagements-{timezone.localdate():%Y-%m-%d}.csv"
    )


def _initial_from_query(request: HttpRequest) -> dict:
    """Prefill from ``?council=<slug or GSS code>&date=&kind=&channel=``; anything unknown is ignored."""
    council = None
    if key := request.GET.get("council", "").strip()[:120]:
        council = Council.objects.filter(slug=key).first() or Council.objects.filter(gss_code=key.upper()).first()
    initial = initial_for_new_engagement(request.user, council)
    try:
        initial["date"] = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        pass
    if request.GET.get("kind") in EngagementKind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("channel") in Channel.values:
        initial["channel"] = request.GET["channel"]
    return initial


@workspace_view
@require_http_methods(["GET", "POST"])
def engagement_new(request: HttpRequest) -> HttpResponse:
    """Log an engagement in one step; "save and log another" comes back to a fresh form."""
    user = request.user
    if not permissions.can_log_engagements(user):
        raise PermissionDenied
    if request.method == "POST":
        form = EngagementForm(request.POST, user=user)
        if form.is_valid():
            try:
                engagement = services.engagement_create(user=user, **form.engagement_values())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Engagement saved: {engagement}.")
                if request.POST.get("next") == "another":
                    again = url_with_query(
                        reverse("workspace:engagement_new"),
                        date=engagement.date.isoformat(),
                        kind=engagement.kind,
                        channel=engagement.channel,
                    )
                    return redirect(again)
                return redirect(engagement)
    else:
        form = EngagementForm(initial=_initial_from_query(request), user=user)
    return render(request, "workspace/engagement_form.html", {"form": form, "mode": "new"})


@workspace_view
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One engagement with its history; private notes only for those who may read them."""
    user = request.user
    engagement = get_object_or_404(
        permissions.with_visible_notes(
            Engagement.objects.with_related().select_related(
                "adviser__user", "created_by", "modified_by", "archived_by", "support_request"
            ),
            user,
        ),
        pk=pk,
    )
    show_notes = permissions.can_see_private_notes(user, engagement)
    try:
        support_request = engagement.support_request
    except Engagement.support_request.RelatedObjectDoesNotExist:
        support_request = None
    return render(
        request,
        "workspace/engagement_detail.html",
        {
            "engagement": engagement,
            "show_notes": show_notes,
            "support_request": support_request,
            "history": engagement_history(engagement, show_private_notes=show_notes),
            "can_edit": permissions.can_edit_engagement(user, engagement) and not engagement.is_archived,
            "can_archive": permissions.can_archive_engagement(user, engagement),
        },
    )


def _editable(request: HttpRequest, pk: int) -> Engagement:
    engagement = get_object_or_404(Engagement.objects.select_related("council", "adviser"), pk=pk)
    if not permissions.can_edit_engagement(request.user, engagement):
        raise PermissionDenied
    return engagement


@workspace_view
@require_http_methods(["GET", "POST"])
def engagement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit with optimistic locking: a save based on an old version is refused and shows what changed."""
    user = request.user
    engagement = _editable(request, pk)
    if engagement.is_archived:
        messages.error(request, services.ALREADY_ARCHIVED)
        return redirect(engagement)
    conflict = None
    if request.method == "POST":
        data = request.POST.copy()
        form = EngagementForm(data, user=user, engagement=engagement)
        if form.is_valid():
            try:
                services.engagement_update(
                    engagement=engagement, user=user, version=form.cleaned_data["version"], **form.engagement_values()
                )
            except services.EngagementConflict as error:
                conflict = error
                form.add_error(None, services.STALE_VERSION)
                for label, before, after in error.changes:
                    form.add_error(None, CONFLICT_CHANGE.format(field=label, before=before, after=after))
                form.add_error(None, CONFLICT_NEXT_STEP)
                # The user has now seen the other changes; saving again replaces them knowingly.
                data["version"] = str(error.current.version)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Your changes have been saved.")
                return redirect(engagement)
    else:
        form = EngagementForm(
            initial=initial_from_engagement(engagement, show_private_notes=True), user=user, engagement=engagement
        )
    return render(
        request,
        "workspace/engagement_form.html",
        {"form": form, "mode": "edit", "engagement": engagement, "conflict": conflict},
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def engagement_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then archive: the engagement leaves lists and counts but keeps its history."""
    engagement = _editable(request, pk)
    if engagement.is_archived:
        messages.error(request, services.ALREADY_ARCHIVED)
        return redirect(engagement)
    if request.method == "POST":
        services.engagement_archive(engagement=engagement, user=request.user)
        messages.success(request, f"Engagement archived: {engagement}. It stays in the history.")
        return redirect(engagement)
    return render(request, "workspace/engagement_archive.html", {"engagement": engagement})
