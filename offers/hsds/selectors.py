"""The services, taxonomies and taxonomy terms an HSDS request asks for.

Filters are cumulative, as HSDS requires: each one given narrows the result further (AND).
Each read takes a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from offers.hsds.mapping import LGA_ORGANIZATION_ID, TAXONOMIES, TAXONOMY_BY_ID, Taxonomy, Term
from offers.models import Audience, Format, Offer, Theme

MINIMAL, SUMMARY, FULL = "minimal", "summary", "full"
# What each shape of service reads besides the offer: a summary's description lists the offer's
# items and its eligibility its audiences; a full service also has its formats as attributes.
_PREFETCH = {MINIMAL: (), SUMMARY: ("items", "audiences"), FULL: ("items", "audiences", "formats")}


def _shaped(offers: QuerySet, shape: str) -> QuerySet:
    if shape == MINIMAL:
        return offers.only("uuid", "modified_at")
    return offers.select_related("theme").prefetch_related(*_PREFETCH[shape])


def services(
    *,
    search: str = "",
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after=None,
    shape: str = SUMMARY,
) -> QuerySet:
    """Published offers matching every filter given: best matches first when searching, else by
    theme and title."""
    searching = bool(search.strip())
    offers = (Offer.objects.search(search) if searching else Offer.objects.all()).published()
    if taxonomy_term_id is not None:
        offers = offers.filter(_has_term(taxonomy_term_id))
    if taxonomy_id is not None:
        offers = _in_taxonomy(offers, TAXONOMY_BY_ID.get(str(taxonomy_id)))
    if organization_id is not None and str(organization_id) != LGA_ORGANIZATION_ID:
        offers = offers.none()  # The LGA is the one organization.
    if modified_after is not None:
        offers = offers.filter(modified_at__gte=modified_after)
    ordering = ("-rank", "title", "id") if searching else ("theme__order", "title", "id")
    return _shaped(offers, shape).order_by(*ordering)


def _has_term(term_id: uuid.UUID) -> Q:
    # Subqueries, not joins, so an offer is listed once without DISTINCT.
    audiences = Offer.audiences.through.objects.filter(audience__uuid=term_id).values("offer_id")
    formats = Offer.formats.through.objects.filter(format__uuid=term_id).values("offer_id")
    return Q(theme__uuid=term_id) | Q(pk__in=audiences) | Q(pk__in=formats)


def _in_taxonomy(offers: QuerySet, taxonomy: Taxonomy | None) -> QuerySet:
    """Offers with any term of the taxonomy: every offer has a theme; audiences and formats are optional."""
    if taxonomy is None:
        return offers.none()
    if taxonomy.model is Audience:
        return offers.filter(pk__in=Offer.audiences.through.objects.values("offer_id"))
    if taxonomy.model is Format:
        return offers.filter(pk__in=Offer.formats.through.objects.values("offer_id"))
    return offers


def service(service_id: str) -> Offer | None:
    """One published offer, fully nested, by its HSDS id; None if there is none."""
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        return None
    return _shaped(Offer.objects.published(), FULL).filter(uuid=key).first()


def taxonomies(*, search: str = "") -> list[Taxonomy]:
    words = search.strip().lower()
    return [taxonomy for taxonomy in TAXONOMIES if words in taxonomy.name.lower()]


def taxonomy(taxonomy_id: str) -> Taxonomy | None:
    try:
        key = uuid.UUID(taxonomy_id)
    except ValueError:
        return None
    return TAXONOMY_BY_ID.get(str(key))


def taxonomy_terms(
    *, search: str = "", taxonomy_id: uuid.UUID | None = None, parent_id: uuid.UUID | None = None
) -> list[Term]:
    """Themes, then audiences, then formats, each in its own order: one query per taxonomy.

    The taxonomies are flat: no term has a parent (or children), so ``parent_id`` matches none.
    """
    if parent_id is not None:
        return []
    chosen = [t for t in TAXONOMIES if taxonomy_id is None or t.id == str(taxonomy_id)]
    terms = []
    for tax in chosen:
        records = tax.model.objects.order_by("order", "name")
        if search.strip():
            records = records.filter(name__icontains=search.strip())
        terms.extend(Term(tax, record) for record in records)
    return terms


def taxonomy_term(term_id: str) -> Term | None:
    """A theme, audience or format by its id: at most one query per taxonomy."""
    try:
        key = uuid.UUID(term_id)
    except ValueError:
        return None
    for model in (Theme, Audience, Format):
        record = model.objects.filter(uuid=key).first()
        if record is not None:
            return Term.of(record)
    return None
