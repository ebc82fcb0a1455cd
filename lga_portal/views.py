"""Site-wide views: health check, accessibility statement, error pages."""

import sys

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lga_portal.cache import cache_health
from lga_portal.http import sessionless
from lga_portal.middleware import database_unavailable_response, is_database_unavailable


@sessionless
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness check for load balancers: 503 when the database does not answer, else 200.
    Answered before the session and authentication middleware, which it does not need.

    It also says whether the cache answers: without it pages are still served (uncached, and
    the limits not applied), so a cache outage alone is "degraded", still 200.
    """
    cache = cache_health()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable", "cache": cache}, status=503)
    return JsonResponse({"status": "ok" if cache == "ok" else "degraded", "database": "ok", "cache": cache})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the hashed static file."""
    # Resolved per request: the production manifest only exists after collectstatic.
    return HttpResponsePermanentRedirect(static("images/favicon.svg"))


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the error, so it is the exception in hand. A database
    # outage met outside a view (the session or user loaded by middleware) is a 503, not a bug.
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable_response(request, error)
    # Rendered without a request context: the database or a context processor may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
