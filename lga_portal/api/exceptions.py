"""Every API error as one JSON shape, naming the parameter or field at fault.

    {"status": 400, "code": "invalid", "detail": "Check these parameters: date_from.",
     "errors": {"date_from": ["Enter a valid date."]}}

``errors`` maps a query parameter or body field (nested fields joined with ".") to its
messages; it is empty for errors that are not about one parameter (404, 401, 429…).
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from lga_portal.middleware import database_unavailable_response, is_database_unavailable

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
INVALID_SUMMARY = "Check these parameters: {names}."
NOT_FOUND = "Not found."


class Conflict(exceptions.APIException):
    """A write based on a stale version (optimistic locking). Carries what changed since."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The record changed since you read it."

    def __init__(self, detail: str, *, current_version: int, changes: list[dict]):
        super().__init__(detail)
        self.current_version = current_version
        self.changes = changes


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.sub": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in flatten_errors(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                for field, messages in flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)).items():
                    out.setdefault(field, []).extend(messages)
            else:
                out.setdefault(prefix or NON_FIELD, []).append(str(value))
    else:
        out.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return out


def error_body(status_code: int, code: str, detail: str, errors: dict | None = None) -> dict:
    return {"status": status_code, "code": code, "detail": detail, "errors": errors or {}}


def api_exception_handler(exc, context):
    """DRF's handler, plus Django validation errors and oversized bodies, in the portal's shape;
    a database outage is a 503 (``lga_portal.middleware``)."""
    if is_database_unavailable(exc):
        return database_unavailable_response(context["request"]._request, exc)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: list(exc.messages)}
        )
    elif isinstance(exc, RequestDataTooBig):
        # Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE when DRF reads them.
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc) or "The request could not be read.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # A bug: let Django log it and answer 500.
    code = "error"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        detail = INVALID_SUMMARY.format(names=", ".join(errors))
    else:
        errors = {}
        detail = str(getattr(exc, "detail", "")) or NOT_FOUND
    response.data = error_body(response.status_code, code, detail, errors)
    if isinstance(exc, Conflict):
        response.data["current_version"] = exc.current_version
        response.data["changes"] = exc.changes
    return response


@csrf_exempt  # any method: a PUT to a wrong address is a 404, not a missing CSRF token
def json_not_found(request, *args, **kwargs) -> HttpResponse:
    """Unknown addresses under /api/ answer JSON, not the site's HTML 404 page.

    An address that only lacks its final slash is redirected (308, so a POST stays a POST),
    as Django's APPEND_SLASH would do if this catch-all did not match first.
    """
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not json_not_found:
            target = (
                request.path + "/" + (f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else "")
            )
            return HttpResponsePermanentRedirect(target, status=308)
    return JsonResponse(error_body(404, "not_found", NOT_FOUND), status=404)
