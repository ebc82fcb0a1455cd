"""Reads for the public pages that combine the catalogue with councils, advisers and take-up."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils import timezone

from engagements.models import Adviser, Council, Engagement
from engagements.take_up import offer_take_up
from lga_portal.http import PageState
from offers.models import Offer
from offers.selectors import catalogue_state

# "Taken up in the last 12 months" on the offer page.
TAKE_UP_DAYS = 365


def council_register(*, q: str = "", region: str = "", kind: str = "", include_abolished: bool = False) -> QuerySet:
    """Councils for the public register, by name, with region and principal adviser: one query
    (two when searching: the former councils matched, for "replaced Craven in April 2023")."""
    councils = Council.objects.select_related("region", "adviser").order_by("name", "gss_code")
    if not include_abolished:
        councils = councils.active()
    if region:
        councils = councils.filter(region__slug=region)
    if kind:
        councils = councils.filter(kind=kind)
    # A former council's name finds its successors too, saying which council each one replaced.
    return councils.search(q).with_predecessors_matching(q)


def council_for_page(*, gss_code: str = "", slug: str = "") -> Council | None:
    """One council with everything its public page shows (four queries), or None."""
    active_districts = Council.objects.active().order_by("name")
    councils = Council.objects.select_related("region", "parent", "adviser").prefetch_related(
        Prefetch("successors", queryset=Council.objects.order_by("name")),
        Prefetch("predecessors", queryset=Council.objects.order_by("name")),
        Prefetch("districts", queryset=active_districts),
    )
    lookup = {"gss_code": gss_code} if gss_code else {"slug": slug}
    return councils.filter(**lookup).first()


def offer_take_up_last_year(offer: Offer, today: datetime.date | None = None) -> int:
    """Distinct councils that took ``offer`` up in the last 12 months (shared take-up rule)."""
    today = today or timezone.localdate()
    return offer_take_up(offer, today - datetime.timedelta(days=TAKE_UP_DAYS - 1), today)


def home_page_state() -> PageState:
    """What the home page depends on: the catalogue and the list of councils to pick from."""
    last_modified, parts = catalogue_state()
    councils = Council.objects.aggregate(changed=Max("modified_at"), count=Count("pk"))
    if councils["changed"] and (last_modified is None or councils["changed"] > last_modified):
        last_modified = councils["changed"]
    return last_modified, (*parts, councils["count"])


def offer_page_state(*, with_contacts: bool = False) -> PageState:
    """What the offer page depends on: the catalogue, engagements (take-up) and today's date;
    with a council chosen for "Who to contact", also the councils and principal advisers.

    Engagements are archived rather than deleted, and an archive or edit moves
    ``modified_at``, so its maximum (read from an index) is enough.
    """
    last_modified, parts = catalogue_state()
    engagements_changed = Engagement.objects.aggregate(changed=Max("modified_at"))["changed"]
    changes = [engagements_changed]
    parts = (*parts, engagements_changed, timezone.localdate())
    if with_contacts:
        councils = Council.objects.aggregate(changed=Max("modified_at"), count=Count("pk"))
        advisers = Adviser.objects.aggregate(changed=Max("modified_at"), count=Count("pk"))
        changes += [councils["changed"], advisers["changed"]]
        parts = (*parts, councils["count"], advisers["count"])
    for changed in changes:
        if changed and (last_modified is None or changed > last_modified):
            last_modified = changed
    return last_modified, parts
