"""Pages reached from an email or a calendar program, without signing in: a requester's private
status page, the unsubscribe link, and an adviser's calendar feed.

Each is found by a secret in its address. An unknown, malformed or expired secret is answered
with the portal's ordinary "Page not found", the same as for any address that does not exist,
so a wrong guess learns nothing.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from engagements import calendar, notifications
from engagements.models import NotificationPreference, SupportRequest

# What new_secret() makes (URL-safe base64): anything else is not looked up at all.
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _private(response: HttpResponse) -> HttpResponse:
    """Keep a secret address out of search engines and other sites' logs."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def request_status(request: HttpRequest, token: str) -> HttpResponse:
    """Where one support request has got to, for the person who made it: nothing else."""
    support_request = None
    if SECRET_SHAPE.fullmatch(token):
        support_request = (
            SupportRequest.objects.select_related("council__adviser", "offer__theme", "assigned_adviser")
            .filter(status_token=token)
            .first()
        )
    if support_request is None:
        raise Http404("No such request")
    return _private(
        render(
            request,
            "engagements/supportrequest_status.html",
            {"support_request": support_request, "contact": notifications.request_contact(support_request)},
        )
    )


@csrf_exempt  # the signed token is the credential; a mail program's one-click POST has no cookie
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link checkers and previews must not unsubscribe anyone); POST does
    it, from the page's button or from a mail program's one-click unsubscribe (RFC 8058)."""
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        raise Http404("Unknown or expired unsubscribe link")
    user, what = found
    context = {"what": notifications.UNSUBSCRIBE_WHAT[what], "digest": what == notifications.DIGEST}
    if request.method == "POST":
        notifications.unsubscribe(user=user, what=what)
        return _private(render(request, "engagements/unsubscribe_done.html", context))
    return _private(render(request, "engagements/unsubscribe_confirm.html", context))


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """An adviser's follow-ups and planned engagements, for their calendar program to poll."""
    preference = None
    if SECRET_SHAPE.fullmatch(secret):
        preference = (
            NotificationPreference.objects.select_related("user__adviser")
            .filter(calendar_secret=secret, user__is_active=True, user__adviser__is_active=True)
            .first()
        )
    if preference is None:
        raise Http404("No such calendar")
    response = HttpResponse(
        calendar.adviser_feed(preference.user.adviser, today=timezone.localdate()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="lga-follow-ups.ics"'
    return _private(response)
