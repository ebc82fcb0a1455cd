"""The support-requests inbox: acknowledge, close with a reason, or convert into an engagement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from engagements import permissions, services
from engagements.filters import SupportRequestFilter
from engagements.forms import CloseRequestForm, EngagementForm, apply_service_errors
from engagements.models import SupportRequest, SupportRequestStatus
from engagements.workspace.access import paginate, sort_from, workspace_view

REQUESTS_PER_PAGE = 25
# Sort keys of the inbox: query-string value -> ordering, ascending; newest first by default.
REQUEST_SORTS = {
    "received": ["created_at", "id"],
    "council": ["council__name", "created_at", "id"],
    "offer": ["offer__title", "created_at", "id"],
    "status": ["status", "created_at", "id"],
}
REQUEST_DEFAULT_SORT = "received"


@workspace_view
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests for the adviser's councils (a manager's: all), waiting ones by default, newest first."""
    filters = SupportRequestFilter.for_page(request.GET, permissions.requests_for(request.user), request=request)
    sort, descending = sort_from(request.GET, REQUEST_SORTS, REQUEST_DEFAULT_SORT)
    if request.GET.get("sort") not in REQUEST_SORTS:
        descending = True  # by default (or for an unknown sort) what arrived last comes first
    ordering = [f"-{field}" if descending else field for field in REQUEST_SORTS[sort]]
    requests = filters.qs.with_related().order_by(*ordering)
    return render(
        request,
        "workspace/request_list.html",
        {
            "filter_form": filters.form,
            "page_obj": paginate(request, requests, REQUESTS_PER_PAGE),
            "manager": permissions.is_manager(request.user),
            "sort": sort,
            "descending": descending,
        },
    )


def _request_for(request: HttpRequest, reference: str) -> SupportRequest:
    """The support request, if the user may act on it: 404 if there is none, 403 if not theirs."""
    support_request = get_object_or_404(SupportRequest.objects.with_related(), reference=reference)
    if not permissions.can_act_on_request(request.user, support_request):
        raise PermissionDenied
    return support_request


def _is_open(support_request: SupportRequest) -> bool:
    return support_request.status in (SupportRequestStatus.NEW, SupportRequestStatus.ACKNOWLEDGED)


@workspace_view
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    support_request = _request_for(request, reference)
    return render(
        request,
        "workspace/request_detail.html",
        {"support_request": support_request, "is_open": _is_open(support_request)},
    )


@workspace_view
@require_POST
def request_acknowledge(request: HttpRequest, reference: str) -> HttpResponse:
    support_request = _request_for(request, reference)
    try:
        services.support_request_acknowledge(request=support_request, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Request {support_request.reference} acknowledged.")
    return redirect("workspace:request_detail", reference=support_request.reference)


@workspace_view
@require_http_methods(["GET", "POST"])
def request_close(request: HttpRequest, reference: str) -> HttpResponse:
    support_request = _request_for(request, reference)
    if not _is_open(support_request):
        messages.error(request, services.REQUEST_NOT_OPEN.format(status=support_request.get_status_display().lower()))
        return redirect("workspace:request_detail", reference=support_request.reference)
    form = CloseRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_close(
                request=support_request, user=request.user, reason=form.cleaned_data["closed_reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Request {support_request.reference} closed.")
            return redirect("workspace:request_list")
    return render(request, "workspace/request_close.html", {"support_request": support_request, "form": form})


def _initial_from_request(support_request: SupportRequest) -> dict:
    values = services.engagement_initial_from_request(support_request)
    initial = {k: v for k, v in values.items() if k not in ("council", "adviser")}
    initial["council"] = values["council"].pk
    if values.get("adviser") is not None:
        initial["adviser"] = values["adviser"].pk
    return initial


@workspace_view
@require_http_methods(["GET", "POST"])
def request_convert(request: HttpRequest, reference: str) -> HttpResponse:
    """The engagement form, prefilled from the request; saving links the two."""
    user = request.user
    support_request = _request_for(request, reference)
    if not permissions.can_log_engagements(user):
        raise PermissionDenied
    if not _is_open(support_request):
        messages.error(request, services.REQUEST_NOT_OPEN.format(status=support_request.get_status_display().lower()))
        return redirect("workspace:request_detail", reference=support_request.reference)
    if request.method == "POST":
        form = EngagementForm(request.POST, user=user)
        if form.is_valid():
            try:
                engagement = services.support_request_convert(
                    request=support_request, user=user, **form.engagement_values()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Request {support_request.reference} converted: {engagement}.")
                return redirect(engagement)
    else:
        form = EngagementForm(initial=_initial_from_request(support_request), user=user)
    return render(
        request,
        "workspace/engagement_form.html",
        {
            "form": form,
            "mode": "convert",
            "support_request": support_request,
            "action": reverse("workspace:request_convert", args=[support_request.reference]),
        },
    )
