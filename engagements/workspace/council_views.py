"""A council's page in the workspace: its profile (at a glance, needs met and open, suggested offers)
above its timeline (everything the LGA has had to do with it, newest first)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from engagements import intelligence, permissions
from engagements.forms import DismissSuggestionForm, apply_service_errors
from engagements.intelligence_services import suggestion_dismiss
from engagements.models import Council
from engagements.timeline import name_links, offers_taken_up_by_council
from engagements.workspace.access import paginate, workspace_view

ENGAGEMENTS_PER_PAGE = 20
REQUESTS_SHOWN = 20


def _council(slug: str) -> Council:
    """The council by slug (or GSS code), with what the profile reads; 404 if there is none.

    Its successors are read only when it has been abolished: only then does the page name them.
    """
    council = get_object_or_404(
        Council.objects.select_related("region", "parent", "adviser").prefetch_related("predecessors"),
        Q(slug=slug) | Q(gss_code=slug.upper()),
    )
    if council.abolished_on is not None:
        prefetch_related_objects([council], "successors")
    return council


def dismiss_auto_id(offer) -> str:
    """Each suggestion's dismissal form gets its own ids, so a page of them stays valid and labelled."""
    return f"dismiss-{offer.slug}-%s"


def _render_council(request: HttpRequest, council: Council, *, dismiss_form: DismissSuggestionForm | None = None):
    user = request.user
    today = timezone.localdate()
    visible_requests = permissions.requests_for(user, council.support_requests.all())
    profile = intelligence.council_profile(council, today=today, requests=visible_requests)
    live = council.engagements.live()
    engagements = permissions.with_visible_notes(live.select_related("adviser"), user).order_by("-date", "-id")
    # Counting the page's queryset would join the advisers (the private-notes annotation reads
    # them) and visit every engagement; the bare count reads the live engagements' index alone.
    page_obj = paginate(request, engagements, ENGAGEMENTS_PER_PAGE, count_from=live)
    name_links(list(page_obj))
    requests = list(
        visible_requests.select_related("offer", "engagement").order_by("-created_at")[: REQUESTS_SHOWN + 1]
    )
    offers_taken_up, offers_taken_up_count = offers_taken_up_by_council(council)
    can_dismiss = permissions.can_dismiss_suggestions(user, council)
    failed_offer = dismiss_form.data.get("offer") if dismiss_form is not None else None
    suggestions = [
        (
            suggestion,
            dismiss_form
            if failed_offer == suggestion.offer.slug
            else DismissSuggestionForm(
                initial={"offer": suggestion.offer.slug}, auto_id=dismiss_auto_id(suggestion.offer)
            ),
        )
        for suggestion in profile.suggestions
    ]
    return render(
        request,
        "workspace/council_timeline.html",
        {
            "council": council,
            "profile": profile,
            "suggestions": suggestions,
            "dismiss_form": dismiss_form,
            "can_dismiss": can_dismiss,
            "page_obj": page_obj,
            "support_requests": requests[:REQUESTS_SHOWN],
            "more_requests": len(requests) > REQUESTS_SHOWN,
            "offers_taken_up": offers_taken_up,
            "offers_taken_up_count": offers_taken_up_count,
            "can_log": permissions.can_log_engagements(user),
        },
    )


@workspace_view
def council_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    """The profile and the timeline: a fixed number of queries, and a page of bounded size,
    however many engagements the council has (pinned in the tests)."""
    return _render_council(request, _council(slug))


@workspace_view
@require_POST
def suggestion_dismiss_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Dismiss a suggestion with a reason; without one, the profile again with the error by the field."""
    council = _council(slug)
    if not permissions.can_dismiss_suggestions(request.user, council):
        raise PermissionDenied
    offer_slug = request.POST.get("offer", "")
    form = DismissSuggestionForm(request.POST, auto_id=f"dismiss-{offer_slug}-%s")
    if form.is_valid():
        try:
            dismissal = suggestion_dismiss(
                council=council, offer=form.cleaned_data["offer"], reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # already dismissed: nothing left to do
                messages.info(request, " ".join(error.messages))
                return redirect(reverse("workspace:council_timeline", args=[council.slug]) + "#suggestions")
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{dismissal.offer.title} will not be suggested for {council.name} again. Reason: {dismissal.reason}",
            )
            return redirect(reverse("workspace:council_timeline", args=[council.slug]) + "#suggestions")
    return _render_council(request, council, dismiss_form=form)
