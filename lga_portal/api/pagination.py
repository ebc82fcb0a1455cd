"""Paging for API lists: numbered pages for every list, a keyset cursor for the engagements feed.

Rule for ``page_size``: 1 to 1,000 (default 100); anything else is refused with 400 rather
than silently changed, so a script never believes it has a whole set when it has not.
"""

from __future__ import annotations

import datetime
import json
import math

from django.core import signing
from django.db import connections
from django.db.models import Q, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

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


# --- Numbered pages walked by keyset, with a count that does not read a million rows ------------

# A list's count is exact up to this many rows; above it the count is the database's estimate,
# said so by ``count_exact: false`` (counting a million index entries took longer than the page).
EXACT_COUNT_LIMIT = 10_000
PAGE_CURSOR_INVALID = (
    "This cursor is not one the API gave out for this ordering (it may have been altered); "
    "start again without it, or use page."
)
_PAGE_CURSOR_SALT = "lga_portal.api.page-cursor"


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of how many rows ``queryset`` has (PostgreSQL); None elsewhere."""
    if queryset.db and connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def count_of(queryset: QuerySet) -> tuple[int, bool]:
    """(count, exact): exact up to ``EXACT_COUNT_LIMIT`` rows (counted no further), else estimated."""
    counted = queryset.order_by().values("pk")[: EXACT_COUNT_LIMIT + 1].count()
    if counted <= EXACT_COUNT_LIMIT:
        return counted, True
    estimate = estimated_count(queryset)
    if estimate is None:
        return queryset.count(), True
    # An estimate below what was just counted would be plainly wrong.
    return max(estimate, counted), False


class KeysetPageNumberPagination(PageNumberPagination):
    """Numbered pages (``page``, ``page=last``) as before, but ``next`` and ``previous`` carry a
    signed ``cursor``: the ordering key of the page's last (or first) row and the page number. A
    page reached by cursor is read from the index after that key, never with OFFSET, so page 500
    costs what page 1 does; ``page=last`` reads the ordering backwards. Rows are ordered by the
    list's ordering, then id.

    The view passes a ``Projected``: the filtered and ordered queryset, and how to read its rows.
    """

    cursor_query_param = "cursor"

    def paginate_queryset(self, projected, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        queryset = projected.queryset
        field, descending = _ordering_key(queryset)
        self.ordering = f"-{field}" if descending else field
        self.count, self.count_exact = count_of(queryset)
        self.pages = max(1, math.ceil(self.count / size))
        raw_cursor = request.query_params.get(self.cursor_query_param)
        forwards = (f"-{field}", "-pk") if descending else (field, "pk")
        backwards = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in forwards)
        if raw_cursor:
            direction, value, pk, number = self._decode(raw_cursor, field)
            after = direction == "after"
            keyset = _beyond(field, value, pk, descending=descending if after else not descending)
            window = queryset.filter(keyset).order_by(*(forwards if after else backwards))
            rows = list(projected.project(window)[: size + 1])
            more = len(rows) > size
            rows = rows[:size]
            if not after:
                rows.reverse()
            self.number = number
            self.has_next = more if after else True
            self.has_previous = True if after else more
        else:
            number = page_number_from(request, self.page_query_param)
            if number == "last":
                # The rows the last numbered page holds when the count is exact; a whole page when not.
                on_last = self.count - (self.pages - 1) * size if self.count_exact else size
                rows = list(projected.project(queryset.order_by(*backwards))[: max(on_last, 0)])
                rows.reverse()
                self.number, self.has_next = self.pages, False
                self.has_previous = self.count > size
            else:
                start = (number - 1) * size
                ordered = queryset.order_by(*forwards)
                if start:
                    # A deferred join: the page's ids first, skipping ``start`` entries of the ordering's
                    # index (an index-only scan), then the rows of those ids alone, so that a deep page
                    # costs skipping index entries rather than reading and joining every row before it.
                    ids = ordered.values("pk")[start : start + size + 1]
                    rows = list(projected.project(queryset.filter(pk__in=ids).order_by(*forwards)))
                else:  # nothing to skip: the first rows of the index, joined as they are read
                    rows = list(projected.project(ordered)[: size + 1])
                if not rows and number > 1:
                    if self.count_exact:
                        raise NotFound(PAGE_NOT_FOUND.format(page=number, last=self.pages))
                    raise NotFound(PAGE_PAST_THE_END.format(page=number))
                self.number, self.has_next, self.has_previous = number, len(rows) > size, number > 1
                rows = rows[:size]
        self.field = field
        self.first = rows[0] if rows else None
        self.last = rows[-1] if rows else None
        return rows

    def _decode(self, raw: str, field: str):
        try:
            ordering, direction, value, pk, number = signing.loads(raw, salt=_PAGE_CURSOR_SALT)
            if ordering != self.ordering or direction not in ("after", "before"):
                raise ValueError
            return direction, value, int(pk), max(1, int(number))
        except (signing.BadSignature, ValueError, TypeError):
            raise ValidationError({self.cursor_query_param: [PAGE_CURSOR_INVALID]}) from None

    def _link(self, row: dict | None, direction: str, number: int) -> str | None:
        if row is None:
            return None
        value = row[self.field]
        token = signing.dumps(
            [self.ordering, direction, value.isoformat() if hasattr(value, "isoformat") else value, row["id"], number],
            salt=_PAGE_CURSOR_SALT,
            compress=False,
        )
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_next_link(self):
        return self._link(self.last, "after", self.number + 1) if self.has_next else None

    def get_previous_link(self):
        if not self.has_previous or self.number <= 1:
            return None
        if self.number == 2:  # the first page is the list's own address
            url = self.request.build_absolute_uri()
            return remove_query_param(remove_query_param(url, self.cursor_query_param), self.page_query_param)
        return self._link(self.first, "before", self.number - 1)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "pages": self.pages,
                "page": self.number,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_exact", "pages", "page", "next", "previous", "results"]
        properties = response["properties"]
        properties["count"]["description"] = (
            f"Rows matching the filters, on all pages: exact up to {EXACT_COUNT_LIMIT:,}, "
            "above that the database's estimate (then `count_exact` is false)."
        )
        properties["count_exact"] = {
            "type": "boolean",
            "description": f"Whether `count` (and so `pages`) is exact; false above {EXACT_COUNT_LIMIT:,} rows.",
            "example": True,
        }
        properties["pages"]["description"] = "Number of pages at this page size (estimated when `count` is)."
        properties["page"] = {"type": "integer", "description": "This page's number.", "example": 1}
        properties["next"]["description"] = (
            "Address of the next page (with a `cursor`: as fast for the 500th page as for the first); "
            "null on the last page."
        )
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Given in `next` and `previous`: where that page starts. Follow the links "
                "rather than building it; it is refused (400) with another ordering.",
                "schema": {"type": "string"},
            },
        ]


PAGE_PAST_THE_END = "There is no page {page}: the list ends before it."


class Projected:
    """A filtered, ordered queryset to page through, and how to read a window of it as rows (each
    row a dict with ``id`` and the ordering's field)."""

    def __init__(self, queryset: QuerySet, project):
        self.queryset = queryset
        self.project = project


def _ordering_key(queryset: QuerySet) -> tuple[str, bool]:
    """The first field the queryset is ordered by (its model's default if none), and whether descending."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering) or ["pk"]
    first = str(ordering[0])
    field = first.lstrip("-")
    return ("id" if field == "pk" else field), first.startswith("-")


def _beyond(field: str, value, pk: int, *, descending: bool) -> Q:
    """Rows after (field, id) = (value, pk) in (descending or ascending) order; the first
    condition alone lets an index on (field, id) range-scan."""
    if field == "id":
        return Q(pk__lt=pk) if descending else Q(pk__gt=pk)
    if descending:
        return Q(**{f"{field}__lte": value}) & (Q(**{f"{field}__lt": value}) | Q(pk__lt=pk))
    return Q(**{f"{field}__gte": value}) & (Q(**{f"{field}__gt": value}) | Q(pk__gt=pk))
