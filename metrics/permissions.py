"""Who may see which metrics. Public metrics need no rule; these are the exceptions."""

from __future__ import annotations

from engagements.permissions import can_use_workspace


def can_view_coverage(user) -> bool:
    """Coverage, and which councils were (not) engaged, is for principal advisers and managers.

    Asked as a permission, not a group name: whoever may log engagements (advisers and
    managers) may see how far engagement reaches. Analysts read it through the API.
    """
    return can_use_workspace(user)


def can_import_survey_rounds(user) -> bool:
    """Staff who may add rounds and results (managers) may upload a rounds file."""
    return bool(user and user.is_authenticated and user.has_perms(["metrics.add_surveyround", "metrics.add_result"]))
