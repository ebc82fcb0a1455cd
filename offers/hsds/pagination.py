"""The HSDS ``Page`` object around every list: ``page`` (from 1) and ``per_page`` (1 to 1,000).

    {"total_items": 117, "total_pages": 3, "page_number": 1, "size": 50,
     "first_page": true, "last_page": false, "empty": false, "contents": [...]}

``size`` is the number of entities on this page (the HSDS API reference's definition), so the
``size`` of every page adds up to ``total_items``. An empty result is one empty page; a page
past the last answers 404, as in the portal's own API.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

PAGE_NOT_FOUND = "There is no page {page}: the last page is {last}."


class PageOfResults(pagination.BasePagination):
    """Pages by the view's validated ``params`` (see ``offers.hsds.params.ListParams``)."""

    def paginate_queryset(self, queryset, request, view=None):
        paginator = Paginator(queryset, view.params["per_page"])
        number = view.params["page"]
        if number > paginator.num_pages:
            raise NotFound(PAGE_NOT_FOUND.format(page=number, last=paginator.num_pages))
        self.page = paginator.page(number)
        return list(self.page)

    def get_paginated_response(self, data):
        page, paginator = self.page, self.page.paginator
        return Response(
            {
                "total_items": paginator.count,
                "total_pages": paginator.num_pages,
                "page_number": page.number,
                "size": len(data),
                "first_page": not page.has_previous(),
                "last_page": not page.has_next(),
                "empty": paginator.count == 0,
                "contents": data,
            }
        )
