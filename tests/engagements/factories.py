"""Test helpers for the workspace: advisers with councils, engagements and requests made
through the services (so they have history, as real ones do)."""

from __future__ import annotations

import datetime
import html
import re

from django.utils import timezone

from engagements.models import Adviser, Channel, Council, EngagementKind, EngagementStatus
from engagements.services import engagement_create, support_request_create
from offers.models import Offer


def make_adviser(user, gss_codes: list[str], name: str | None = None) -> Adviser:
    """An Adviser record for ``user``, principal adviser of the councils ``gss_codes``."""
    adviser = Adviser.objects.create(
        user=user, name=name or f"Adviser {user.username}", email=f"{user.username}@advisers.example.org"
    )
    Council.objects.filter(gss_code__in=gss_codes).update(adviser=adviser)
    return adviser


def log(council: Council, adviser: Adviser, user=None, **values):
    """An engagement logged through the service; a completed call yesterday unless told otherwise."""
    defaults = {
        "council": council,
        "adviser": adviser,
        "date": timezone.localdate() - datetime.timedelta(days=1),
        "kind": EngagementKind.CALL,
        "channel": Channel.PHONE,
        "status": EngagementStatus.COMPLETED,
    }
    defaults.update(values)
    return engagement_create(user=user if user is not None else adviser.user, **defaults)


def request_for(council: Council, offer: Offer | None = None, email: str = "sam@council.example.org", **values):
    offer = offer or Offer.objects.published().available().order_by("slug").first()
    return support_request_create(
        council=council, offer=offer, name=values.pop("name", "Sam Patel"), email=email, consent=True, **values
    )


def error_summary(response) -> list[str]:
    page = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert match, "no error summary on the page"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    ]


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}-error"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    assert match, f"no error message by the {field} field"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()
