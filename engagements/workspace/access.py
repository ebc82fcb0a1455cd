"""Access to the workspace, and small helpers its views share."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

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


def paginate(request: HttpRequest, items, per_page: int) -> Page:
    """The requested page; a page number that is not a number or out of range gives the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def sort_from(query: QueryDict, allowed, default: str) -> tuple[str, bool]:
    """(sort key, descending) from ``?sort=…&dir=asc|desc``; unknown values give the default."""
    sort = query.get("sort", default)
    if sort not in allowed:
        sort = default
    return sort, query.get("dir") == "desc"
