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


def can_view_unmet_needs(user) -> bool:
    """Unmet needs across the sector (aggregates, no council named) are for those who decide what
    support to build and those who broker it: catalogue editors, managers, principal advisers and
    analysts — anyone who may edit the catalogue or read engagements. Not the public."""
    if not (user and user.is_authenticated):
        return False
    return user.has_perm("offers.change_offer") or user.has_perm("engagements.view_engagement")
