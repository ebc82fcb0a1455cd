"""Reads for the public catalogue pages: the filtered, searched and sorted offer list, themes
with their counts, and the catalogue's last change (for ETag and Last-Modified).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from lga_portal.http import PageState
from offers.models import Offer, OfferStatus, Publication, Theme
from offers.search import SEARCH_COUNT_CAP, capped_count, ranked_slice, search_settings_state, suggest_spelling

SORT_RELEVANCE = "relevance"
SORT_TITLE = "title"
SORT_NEWEST = "newest"
SORT_CHOICES = [(SORT_RELEVANCE, "Best match"), (SORT_TITLE, "Title (A to Z)"), (SORT_NEWEST, "Newest first")]
_ORDERINGS = {
    SORT_RELEVANCE: ("-rank", "title", "pk"),
    SORT_TITLE: ("title", "pk"),
    SORT_NEWEST: ("-created_at", "-pk"),
}


def offers_for_listing(offers: QuerySet | None = None) -> QuerySet:
    """Published offers with their theme, for a list of them (one query; then ``with_names``)."""
    offers = Offer.objects.all() if offers is None else offers
    return offers.published().select_related("theme")


def with_names(offers: Iterable[Offer], using: str = "default") -> list[Offer]:
    """``offers`` as a list, each given ``audience_names`` and ``format_names`` (in the lists'
    order), read in one query for all of them: a list shows the names and nothing else of them."""
    offers = list(offers)
    for offer in offers:
        offer.audience_names, offer.format_names = [], []
    if not offers:
        return offers
    by_id = {offer.pk: offer for offer in offers}
    connection = connections[using]
    qn = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(by_id))

    def names(field: str, kind: int) -> str:
        relation = Offer._meta.get_field(field)
        link, target = relation.remote_field.through._meta, relation.related_model._meta
        target_id = qn(relation.m2m_reverse_name())
        return (
            f"SELECT l.{qn(relation.m2m_column_name())}, {kind}, t.{qn('order')}, t.{qn('name')} "
            f"FROM {qn(link.db_table)} l JOIN {qn(target.db_table)} t ON t.{qn('id')} = l.{target_id} "
            f"WHERE l.{qn(relation.m2m_column_name())} IN ({marks})"
        )

    with connection.cursor() as cursor:
        cursor.execute(f"{names('audiences', 0)} UNION ALL {names('formats', 1)} ORDER BY 2, 3, 4", [*by_id, *by_id])
        for offer_id, kind, _order, name in cursor.fetchall():
            offer = by_id[offer_id]
            (offer.format_names if kind else offer.audience_names).append(name)
    return offers


def offer_catalogue(
    *,
    q: str = "",
    themes: Sequence[str] = (),
    audiences: Sequence[str] = (),
    formats: Sequence[str] = (),
    statuses: Sequence[str] = (),
    deliveries: Sequence[str] = (),
    sort: str = "",
    extracts: bool = False,
) -> QuerySet:
    """Published offers matching the search and filters, sorted.

    Filters take slugs (themes, audiences, formats) or values (statuses, deliveries); several
    values of one filter mean any of them, different filters must all match. ``sort`` is
    relevance (only when searching; the default then), title (the default otherwise) or newest.
    ``extracts`` annotates each searched offer with the passage that matched.
    """
    offers = offers_for_listing()
    if themes:
        offers = offers.filter(theme__slug__in=themes)
    if audiences:
        offers = offers.filter(
            Exists(Offer.audiences.through.objects.filter(offer=OuterRef("pk"), audience__slug__in=audiences))
        )
    if formats:
        offers = offers.filter(
            Exists(Offer.formats.through.objects.filter(offer=OuterRef("pk"), format__slug__in=formats))
        )
    if statuses:
        offers = offers.filter(status__in=statuses)
    if deliveries:
        offers = offers.filter(delivery__in=deliveries)
    if q:
        offers = offers.search(q, extracts=extracts)
    # A search with no usable words (only punctuation, say) comes back without a rank.
    ranked = "rank" in offers.query.annotations
    if sort not in _ORDERINGS or (sort == SORT_RELEVANCE and not ranked):
        sort = SORT_RELEVANCE if ranked else SORT_TITLE
    return offers.order_by(*_ORDERINGS[sort])


@dataclass(frozen=True)
class CatalogueResults:
    """The catalogue list as searched: the offers, how many (capped), and any spelling correction."""

    offers: QuerySet
    count: int  # no more than SEARCH_COUNT_CAP
    more: bool  # there are more than SEARCH_COUNT_CAP
    corrected: str  # what was searched instead of the words typed, if they found nothing

    @property
    def pages(self) -> RankedPages:
        """The offers as a paginator should slice them (see ``RankedPages``)."""
        return RankedPages(self.offers)


class RankedPages:
    """A searched catalogue list that, sliced for a page, ranks over ids and reads only that page
    (``offers.search.ranked_slice``); given to the paginator, which only ever slices it."""

    def __init__(self, offers: QuerySet):
        self.offers = offers

    def __getitem__(self, page: slice) -> QuerySet:
        return ranked_slice(self.offers, page.start or 0, page.stop)


def catalogue_results(*, q: str = "", exact: bool = False, **filters) -> CatalogueResults:
    """``offer_catalogue`` with a capped count and, when the words typed find nothing, a correction.

    Unless ``exact``, a search that finds nothing is tried again with each word that matches no
    offer replaced by the closest word the catalogue uses ("finanse" → "finance"); the
    correction is kept only if it finds something. Queries: the search's own two (none once
    kept: see ``offers.search.load_synonyms``), the count; when corrected, two for the suggestion
    and the count again.
    """
    offers = offer_catalogue(q=q, extracts=True, **filters)
    count = capped_count(offers)
    corrected = ""
    if q and not count and not exact:
        suggestion = suggest_spelling(q)
        if suggestion:
            retry = offer_catalogue(q=suggestion, extracts=True, **filters)
            retry_count = capped_count(retry)
            if retry_count:
                offers, count, corrected = retry, retry_count, suggestion
    return CatalogueResults(offers, min(count, SEARCH_COUNT_CAP), count > SEARCH_COUNT_CAP, corrected)


def themes_with_available_counts() -> QuerySet:
    """Every theme, annotated ``available``: how many published offers are available now."""
    return Theme.objects.annotate(
        available=Count("offers", filter=Q(offers__is_published=True, offers__status=OfferStatus.AVAILABLE))
    ).order_by("order", "name")


def newest_offers(limit: int = 5) -> QuerySet:
    return Offer.objects.published().select_related("theme").order_by(*_ORDERINGS[SORT_NEWEST])[:limit]


def related_offers(offer: Offer, limit: int = 5) -> QuerySet:
    """Other published offers in the same theme."""
    return (
        Offer.objects.published()
        .filter(theme_id=offer.theme_id)
        .exclude(pk=offer.pk)
        .select_related("theme")
        .order_by("title")[:limit]
    )


def requestable_alternatives(offer: Offer, limit: int = 5) -> QuerySet:
    """Offers in the same theme that can be requested now (published and available), for an
    offer that cannot be."""
    return (
        Offer.objects.published()
        .available()
        .filter(theme_id=offer.theme_id)
        .exclude(pk=offer.pk)
        .select_related("theme")
        .order_by("title")[:limit]
    )


def catalogue_state(*, searching: bool = False) -> PageState:
    """When the catalogue last changed, for conditional responses: two aggregate queries.

    Offer edits in the admin (items, audiences and formats included) save the offer, so its
    ``modified_at`` moves; the counts catch deletions. A search page also depends on the
    synonyms and best bets staff keep (a third query).
    """
    offers = Offer.objects.aggregate(changed=Max("modified_at"), count=Count("pk"))
    themes = Theme.objects.aggregate(changed=Max("modified_at"), count=Count("pk"))
    changes = [moment for moment in (offers["changed"], themes["changed"]) if moment is not None]
    parts: tuple = (offers["count"], themes["count"])
    if searching:
        parts += search_settings_state()
    return (max(changes) if changes else None, parts)


def publication_list(*, q: str = "", themes: Sequence[str] = (), kinds: Sequence[str] = ()) -> QuerySet:
    """Publications matching every word of ``q`` and any of the themes and kinds, in the list's order."""
    publications = Publication.objects.for_listing()
    if themes:
        publications = publications.filter(theme__slug__in=themes)
    if kinds:
        publications = publications.filter(kind__in=kinds)
    if q:
        publications = publications.search(q)
    return publications.order_by("order", "title", "pk")


def publications_state() -> PageState:
    """What /publications/ depends on: the catalogue, whose themes move with every publication change."""
    return catalogue_state()
