"""Access to the workspace, and small helpers its views share."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict
from django.utils.functional import cached_property

from engagements import permissions


def workspace_view(view):
    """Signed-out visitors go to the sign-in page; signed-in users without the workspace get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_use_workspace(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class _Paginator(Paginator):
    """A paginator that may count a plainer queryset than the one it pages (``count_from``)."""

    def __init__(self, object_list, per_page, *, count_from=None):
        super().__init__(object_list, per_page)
        self._count_from = count_from

    @cached_property
    def count(self) -> int:
        return super().count if self._count_from is None else self._count_from.count()


def paginate(request: HttpRequest, items, per_page: int, *, count_from=None) -> Page:
    """The requested page; a page number that is not a number or out of range gives the nearest page.

    ``count_from``: the same rows without the page's joins and annotations, counted instead of
    ``items`` where that lets the database count from an index alone.
    """
    return _Paginator(items, per_page, count_from=count_from).get_page(request.GET.get("page"))


def sort_from(query: QueryDict, allowed, default: str) -> tuple[str, bool]:
    """(sort key, descending) from ``?sort=…&dir=asc|desc``; unknown values give the default."""
    sort = query.get("sort", default)
    if sort not in allowed:
        sort = default
    return sort, query.get("dir") == "desc"
