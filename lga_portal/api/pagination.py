"""Paging for API lists: numbered pages for every list, a keyset cursor for the engagements feed.

Rule for ``page_size``: 1 to 1,000 (default 100); anything else is refused with 400 rather
than silently changed, so a script never believes it has a whole set when it has not.
"""

from __future__ import annotations

import datetime

from django.core import signing
from django.db.models import Q, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
PAGE_SIZE_INVALID = f"Enter a whole number from 1 to {MAX_PAGE_SIZE}."
PAGE_INVALID = "Enter a page number: a whole number from 1."
PAGE_NOT_FOUND = "There is no page {page}: the last page is {last}."
CURSOR_INVALID = "This cursor is not one the API gave out (it may have been altered); start again without it."

_CURSOR_SALT = "lga_portal.api.feed-cursor"


def page_size_from(request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise ValidationError({"page_size": [PAGE_SIZE_INVALID]}) from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [PAGE_SIZE_INVALID]})
    return size


def page_size_parameter() -> dict:
    return {
        "name": "page_size",
        "required": False,
        "in": "query",
        "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}); other values are refused.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    }


def page_number_from(request, name: str = "page") -> int | str:
    raw = request.query_params.get(name)
    if raw in (None, "", "last"):
        return raw or 1
    try:
        number = int(raw)
    except ValueError:
        raise ValidationError({name: [PAGE_INVALID]}) from None
    if number < 1:
        raise ValidationError({name: [PAGE_INVALID]})
    return number


def check_paging(request) -> None:
    """Refuse malformed paging parameters even where they do not apply (a CSV is never paged)."""
    page_number_from(request)
    page_size_from(request)


class CountedApart:
    """A list to page through whose rows are sliced from one queryset and counted on another.

    The count of a list only needs its filters; counting the queryset that reads the rows would
    also join every table the rows take a column from.
    """

    def __init__(self, rows: QuerySet, counted: QuerySet):
        self.rows = rows
        self.counted = counted
        self.ordered = rows.ordered

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, key):
        return self.rows[key]


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``; a page past the last is 404, a malformed number 400."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return page_size_from(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        number = page_number_from(request, self.page_query_param)
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        if number == "last":
            number = paginator.num_pages
        if number > paginator.num_pages:
            raise NotFound(PAGE_NOT_FOUND.format(page=number, last=paginator.num_pages))
        self.page = paginator.page(number)
        return list(self.page)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "pages": self.page.paginator.num_pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "pages", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Rows matching the filters, on all pages.", "example": 117},
                "pages": {"type": "integer", "description": "Number of pages at this page size.", "example": 2},
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "Address of the next page; null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "Address of the previous page; null on the first page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1; a page past the last answers 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            page_size_parameter(),
        ]


def encode_cursor(modified_at: datetime.datetime, pk: int) -> str:
    """Signed but not timestamped: the same position always gives the same cursor."""
    return signing.Signer(salt=_CURSOR_SALT).sign_object([modified_at.isoformat(), pk])


def decode_cursor(value: str) -> tuple[datetime.datetime, int]:
    try:
        stamp, pk = signing.Signer(salt=_CURSOR_SALT).unsign_object(value)
        return datetime.datetime.fromisoformat(stamp), int(pk)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError({"cursor": [CURSOR_INVALID]}) from None


class ModifiedCursorPagination(pagination.BasePagination):
    """Keyset paging on (modified_at, id): rows changed while a client walks the pages are not
    skipped or shown twice on the way; a changed row reappears later with its new values.

    ``cursor`` in each answer is where to carry on from: store it, and ask again later with
    it to receive only what changed since. ``next`` is null once there is nothing more now.
    """

    cursor_query_param = "cursor"
    schema_name_prefix = "Feed"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = page_size_from(request)
        raw = request.query_params.get(self.cursor_query_param)
        self.position = decode_cursor(raw) if raw else None
        if self.position:
            modified_at, pk = self.position
            # (modified_at, id) > (cursor): the first condition lets the index on (modified_at, id) range-scan.
            queryset = queryset.filter(Q(modified_at__gte=modified_at), Q(modified_at__gt=modified_at) | Q(pk__gt=pk))
        rows = list(queryset.order_by("modified_at", "pk")[: page_size + 1])
        self.has_more = len(rows) > page_size
        rows = rows[:page_size]
        if rows:
            last = rows[-1]
            # Model instances, or rows read with values() (which include the id).
            self.position = (last["modified_at"], last["id"]) if isinstance(last, dict) else (last.modified_at, last.pk)
        return rows

    def cursor(self) -> str | None:
        return encode_cursor(*self.position) if self.position else None

    def get_next_link(self) -> str | None:
        if not self.has_more:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.cursor())

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "cursor": self.cursor(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "cursor", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "Address of the next page; null when there is nothing more for now.",
                },
                "cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "Where to carry on from later: pass it as `cursor` to get only rows "
                    "changed since. Null only when nothing has been returned yet.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The `cursor` of a previous answer; leave out to start from the beginning.",
                "schema": {"type": "string"},
            },
            page_size_parameter(),
        ]
