"""The relevance suite: realistic searches, each with the offers that must come in the first three.

Runs on whichever database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL),
through the catalogue's own search (synonyms, spelling correction, best bets and all), and
reports precision at 3: the share of the expected offers found in the first three results.
"""

from pathlib import Path

import pytest
import yaml
from django.db import connection

from offers import selectors
from offers.models import Offer

pytestmark = pytest.mark.django_db

SUITE = yaml.safe_load((Path(__file__).parent / "data" / "relevance.yaml").read_text(encoding="utf-8"))["queries"]
REQUIRED_PRECISION = 0.95


def first_three(q: str) -> list[str]:
    """The first three offers the catalogue's first page shows."""
    return [offer.slug for offer in selectors.catalogue_results(q=q).pages[0:3]]


def test_the_suite_is_realistic_and_names_real_offers():
    assert len(SUITE) >= 40
    slugs = set(Offer.objects.published().values_list("slug", flat=True))
    for case in SUITE:
        assert 1 <= len(case["top3"]) <= 3, case
        assert set(case["top3"]) <= slugs, case
    kinds = {case["kind"] for case in SUITE}
    assert {"acronym", "typo", "variant", "phrase", "plain", "syntax"} <= kinds


def test_precision_at_3_is_at_least_95_percent(capsys):
    found, expected, misses = 0, 0, []
    for case in SUITE:
        top = first_three(case["query"])
        hits = [slug for slug in case["top3"] if slug in top]
        found += len(hits)
        expected += len(case["top3"])
        if len(hits) < len(case["top3"]):
            missing = sorted(set(case["top3"]) - set(hits))
            misses.append(f"  {case['query']!r} ({case['kind']}): missing {missing}; first three {top}")
    precision = found / expected
    report = f"Relevance on {connection.vendor}: precision at 3 = {precision:.1%} ({found} of {expected} expected offers, {len(SUITE)} searches)"
    with capsys.disabled():
        print("\n" + report + ("\n" + "\n".join(misses) if misses else ""))
    assert precision >= REQUIRED_PRECISION, report + "\n" + "\n".join(misses)
