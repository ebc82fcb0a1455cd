"""When the database is unreachable: 503 with Retry-After, and one log line per request.

An outage (a restart, a failover, a network blip) makes every query raise ``OperationalError``
or ``InterfaceError``. Left to Django, each request answered 500 and logged a full traceback,
thousands of lines a minute that hide the one fact that matters. Here each such request is
answered ``503 Service Unavailable`` with ``Retry-After`` (JSON in the API's error shape under
/api/, the portal's unavailable page elsewhere) and logged as one line.

Three places catch the error, wherever the first query happens:
- ``DatabaseUnavailableMiddleware.process_exception``: in a view (and in rendering its template);
- the API's exception handler (``lga_portal.api.exceptions``): in DRF's authentication, which
  reads a token, and in API views, which DRF catches before any middleware could;
- the 500 handler (``lga_portal.views.server_error``): outside any view, e.g. the session and
  signed-in user that middleware loads lazily and the 404 page's layout first reads.
Django reconnects on the next request once the database is back (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.log import log_response

logger = logging.getLogger("lga_portal.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = "The service is unavailable: its database cannot be reached. Try again shortly."


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_ERRORS)


def database_unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 answer to ``request``, logged as one line naming the request and the error."""
    if request.path.startswith("/api/"):
        # Imported here: the API package imports this module for its exception handler.
        from lga_portal.api.exceptions import error_body

        response = JsonResponse(error_body(503, "database_unavailable", DATABASE_UNAVAILABLE), status=503)
    else:
        # Rendered without a request context: the session and user need the database.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    first_line = (str(error).strip().splitlines() or [""])[0]
    # Django's own helper, so the response counts as logged and Django adds no second line.
    log_response(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        first_line,
        response=response,
        request=request,
        logger=logger,
        level="error",
    )
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 (not 500) for a view that fails because the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            return database_unavailable_response(request, exception)
        return None
