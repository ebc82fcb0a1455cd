"""Load the search's synonyms and best bets from offers/data/synonyms.yaml (idempotent, keeps staff edits)."""

from __future__ import annotations

from pathlib import Path

from django.db import connection

from lga_portal.seeding import Seeder, load_yaml, lookup, records
from offers.models import Offer
from offers.search_models import BestBet, Synonym, normalize_query, tidy_equivalents
from offers.search_schema import rebuild_search_words

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.yaml"


def load_search_vocabulary(seeder: Seeder, path: Path = SYNONYMS_FILE) -> None:
    """Synonyms and best bets; then the list of words spelling suggestions are drawn from."""
    data = load_yaml(path)
    seen: set[str] = set()
    for rec in records(path, data, "synonyms"):
        term = " ".join(str(rec.get("term", (str, int))).split())
        key = normalize_query(term)
        if not key:
            raise rec.fail("'term' has no words")
        if key in seen:
            raise rec.fail(f"the term {term!r} appears twice")
        seen.add(key)
        equivalents = tidy_equivalents(str(e) for e in rec.get("equivalents", list))
        values = {"term": term, "equivalents": equivalents, "one_way": rec.get("one_way", bool, required=False)}
        values["one_way"] = bool(values["one_way"])
        seeder.sync(Synonym, key, {"key": key}, values)

    offers = {slug: pk for slug, pk in Offer.objects.values_list("slug", "pk")}
    for rec in records(path, data, "best_bets"):
        query = normalize_query(rec.get("query"))
        if not query:
            raise rec.fail("'query' has no words")
        for order, slug in enumerate(rec.get("offers", list), 1):
            offer_id = lookup(rec, offers, "offers", slug, "offer")
            seeder.sync(BestBet, f"{query} → {slug}", {"query": query, "offer_id": offer_id}, {"order": order})
    rebuild_search_words(connection)
