"""Who may do what with engagements and support requests: one place for the workspace and the API.

Roles are groups (lga_portal/roles.py); these helpers ask about permissions, not group names,
so a superuser or a future role behaves as its permissions say.
"""

from __future__ import annotations

from django.db.models import Case, F, Q, QuerySet, TextField, Value, When

from engagements.models import Adviser, Engagement, SupportRequest


def is_manager(user) -> bool:
    """Managers act on every council's engagements and requests."""
    return bool(user and user.is_authenticated and user.has_perm("engagements.manage_all_councils"))


def adviser_for(user) -> Adviser | None:
    """The principal adviser record of a signed-in user, if they are one."""
    if not (user and user.is_authenticated):
        return None
    try:
        return user.adviser
    except Adviser.DoesNotExist:
        return None


def can_view_engagements(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("engagements.view_engagement"))


def can_log_engagements(user) -> bool:
    """Advisers log their own engagements; managers may log for any adviser."""
    if not (user and user.is_authenticated and user.has_perm("engagements.add_engagement")):
        return False
    return is_manager(user) or adviser_for(user) is not None


def is_author(user, engagement: Engagement) -> bool:
    """The engagement's adviser, or whoever logged it."""
    if not (user and user.is_authenticated):
        return False
    return engagement.created_by_id == user.pk or (
        engagement.adviser_id is not None and engagement.adviser.user_id == user.pk
    )


def can_edit_engagement(user, engagement: Engagement) -> bool:
    if not (user and user.is_authenticated and user.has_perm("engagements.change_engagement")):
        return False
    return is_manager(user) or is_author(user, engagement)


def can_see_private_notes(user, engagement: Engagement) -> bool:
    if not (user and user.is_authenticated):
        return False
    return user.has_perm("engagements.view_private_notes") or is_author(user, engagement)


def author_condition(user) -> Q:
    """A filter matching the engagements ``user`` authored (see ``is_author``)."""
    return Q(created_by_id=user.pk) | Q(adviser__user_id=user.pk)


def with_visible_notes(queryset: QuerySet, user) -> QuerySet:
    """Annotate ``visible_notes``: the private notes where ``user`` may read them, else "".

    Done in the database so that lists, exports and the API never carry notes the
    reader may not see. Code that shows notes reads ``visible_notes``, never
    ``private_notes``.
    """
    if user and user.is_authenticated and user.has_perm("engagements.view_private_notes"):
        return queryset.annotate(visible_notes=F("private_notes"))
    if not (user and user.is_authenticated):
        return queryset.annotate(visible_notes=Value("", output_field=TextField()))
    return queryset.annotate(
        visible_notes=Case(
            When(author_condition(user), then=F("private_notes")), default=Value(""), output_field=TextField()
        )
    )


def can_act_on_request(user, request: SupportRequest) -> bool:
    """Advisers handle requests for their own councils; managers handle any."""
    if not (user and user.is_authenticated and user.has_perm("engagements.change_supportrequest")):
        return False
    if is_manager(user):
        return True
    adviser = adviser_for(user)
    return adviser is not None and adviser.pk in {request.assigned_adviser_id, request.council.adviser_id}


def requests_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """The support requests ``user`` may see and act on."""
    queryset = SupportRequest.objects.all() if queryset is None else queryset
    if is_manager(user):
        return queryset
    adviser = adviser_for(user)
    if adviser is None or not user.has_perm("engagements.view_supportrequest"):
        return queryset.none()
    return queryset.filter(Q(assigned_adviser=adviser) | Q(council__adviser=adviser))


def requests_readable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    """The support requests ``user`` may read (not necessarily act on).

    Managers, and readers who are not principal advisers (analysts), read every request;
    a principal adviser reads those for their councils, as in ``requests_for``.
    """
    queryset = SupportRequest.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.has_perm("engagements.view_supportrequest")):
        return queryset.none()
    if is_manager(user) or adviser_for(user) is None:
        return queryset
    return requests_for(user, queryset)


def can_use_workspace(user) -> bool:
    """The adviser workspace is for those who log engagements: principal advisers and managers."""
    return bool(user and user.is_authenticated and user.has_perm("engagements.add_engagement"))


def can_archive_engagement(user, engagement: Engagement) -> bool:
    """Archiving is an edit: the engagement's author or a manager, and only once."""
    return engagement.archived_at is None and can_edit_engagement(user, engagement)


def can_import_engagements(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("engagements.import_engagements"))


def can_choose_adviser(user) -> bool:
    """Managers log engagements on behalf of any adviser; advisers log their own."""
    return is_manager(user)


def can_dismiss_suggestions(user, council) -> bool:
    """The council's principal adviser, or a manager, may dismiss a suggestion for it."""
    if not (user and user.is_authenticated and user.has_perm("engagements.add_suggestiondismissal")):
        return False
    if is_manager(user):
        return True
    adviser = adviser_for(user)
    return adviser is not None and council.adviser_id == adviser.pk
