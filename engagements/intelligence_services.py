"""The one write of the council intelligence: dismissing a suggestion for a council."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from engagements.models import Council, SuggestionDismissal
from offers.models import Offer

# Error messages, shared by the form, the service and the tests.
DISMISS_REASON_REQUIRED = "Say why this offer is not right for the council."
ALREADY_DISMISSED = "{offer} was already dismissed for {council}."


@transaction.atomic
def suggestion_dismiss(*, council: Council, offer: Offer, reason: str, user) -> SuggestionDismissal:
    """Record that ``offer`` is not to be suggested for ``council`` again, with the adviser's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": DISMISS_REASON_REQUIRED})
    if SuggestionDismissal.objects.filter(council=council, offer=offer).exists():
        raise ValidationError(ALREADY_DISMISSED.format(offer=offer, council=council))
    dismissal = SuggestionDismissal(
        council=council, offer=offer, reason=reason, dismissed_by=user if user and user.is_authenticated else None
    )
    dismissal.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            dismissal.save()
    except IntegrityError:  # dismissed by someone else a moment ago
        raise ValidationError(ALREADY_DISMISSED.format(offer=offer, council=council)) from None
    return dismissal
