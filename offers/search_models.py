"""What staff teach the catalogue search: synonyms, best bets, and the searches that found nothing.

The search engine itself is ``offers/search.py``; these models are edited in the admin
(``offers/search_admin.py``) and the synonyms are seeded from ``offers/data/synonyms.yaml``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

from lga_portal.models import TimeStampedModel

# Words are runs of letters and digits: what both databases' tokenizers see as words.
_WORD = re.compile(r"[^\W_]+")

SYNONYM_TERM_REQUIRED = "Enter a term: the word, acronym or phrase people search for."
SYNONYM_EQUIVALENTS_REQUIRED = "Enter at least one equivalent, one to a line."
SYNONYM_SELF = "“{term}” is the term itself; an equivalent must be a different word or phrase."
SYNONYM_DUPLICATE = "There is already a synonym for “{term}”; edit that one instead."
SYNONYM_LOOP = "This would make a loop ({path}) with the synonym for “{other}”; edit that one instead."
BEST_BET_QUERY_REQUIRED = "Enter the search words the offer should be recommended for."


def search_words(text: str) -> list[str]:
    """The words of ``text`` as the search sees them: lower case, punctuation dropped."""
    return _WORD.findall((text or "").lower())


def normalize_query(text: str) -> str:
    """A search as a key: its words, lower case, one space apart ("Covid-19 recovery" → "covid 19 recovery")."""
    return " ".join(search_words(text))


def tidy_equivalents(lines) -> str:
    """Equivalents as stored: one to a line, white space tidied, repeats and blank lines dropped."""
    tidied = dict.fromkeys(" ".join(str(line).split()) for line in lines)
    return "\n".join(line for line in tidied if normalize_query(line))


class SynonymQuerySet(models.QuerySet):
    def groups(self) -> list[tuple[str, tuple[str, ...], bool]]:
        """Every synonym as (term key, equivalent keys, one way): one query."""
        return [
            (key, tuple(e for e in (normalize_query(line) for line in equivalents.splitlines()) if e), one_way)
            for key, equivalents, one_way in self.values_list("key", "equivalents", "one_way")
        ]


class Synonym(TimeStampedModel):
    """A term people search for and the words the catalogue uses for the same thing."""

    term = models.CharField(
        max_length=100,
        help_text="A word, acronym or phrase people search for, e.g. FISA, comms or section 114.",
    )
    key = models.CharField(
        max_length=100,
        unique=True,
        editable=False,
        help_text="The term as the search compares it: lower case, punctuation dropped (set automatically).",
    )
    equivalents = models.TextField(
        help_text="What the same thing is also called, one to a line, e.g. Finance Improvement and Sustainability "
        "Adviser. A search for the term also finds offers that use any of these.",
    )
    one_way = models.BooleanField(
        default=False,
        help_text="Tick when only the term should lead to the equivalents (comms → communications), not the "
        "other way round. Unticked, the term and its equivalents all find each other.",
    )

    objects = SynonymQuerySet.as_manager()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.term

    @property
    def equivalent_list(self) -> list[str]:
        return [line.strip() for line in self.equivalents.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        self.term = " ".join((self.term or "").split())
        self.key = normalize_query(self.term)
        if not self.key:
            raise ValidationError({"term": SYNONYM_TERM_REQUIRED})
        self.equivalents = tidy_equivalents((self.equivalents or "").splitlines())
        lines = self.equivalents.splitlines()
        if not lines:
            raise ValidationError({"equivalents": SYNONYM_EQUIVALENTS_REQUIRED})
        for line in lines:
            if normalize_query(line) == self.key:
                raise ValidationError({"equivalents": SYNONYM_SELF.format(term=line)})
        others = Synonym.objects.exclude(pk=self.pk)
        if others.filter(key=self.key).exists():
            raise ValidationError({"term": SYNONYM_DUPLICATE.format(term=self.term)})
        loop = _find_loop(self.key, [normalize_query(line) for line in lines], self.one_way, others)
        if loop:
            path, other_key = loop
            other = others.filter(key=other_key).values_list("term", flat=True).first() or other_key
            raise ValidationError({"equivalents": SYNONYM_LOOP.format(path=" → ".join(path), other=other)})

    def save(self, *args, **kwargs):
        self.key = normalize_query(self.term)
        super().save(*args, **kwargs)


def synonym_edges(key: str, equivalents: list[str] | tuple[str, ...], one_way: bool) -> list[tuple[str, str]]:
    """Which searches lead to which: a one-way synonym leads from its term only; a two-way one, all ways."""
    if one_way:
        return [(key, e) for e in equivalents]
    members = [key, *equivalents]
    return [(a, b) for a in members for b in members if a != b]


def _find_loop(key: str, equivalents: list[str], one_way: bool, others) -> tuple[list[str], str] | None:
    """A path by which another synonym leads back to where this one starts, if there is one.

    A synonym's own two ways are not a loop; another synonym that leads back (a ↔ b beside
    b ↔ a, or a → b beside b → a) is, and would only duplicate or confuse the expansion.
    """
    graph: dict[str, list[tuple[str, str]]] = {}
    for other_key, other_equivalents, other_one_way in others.groups():
        for a, b in synonym_edges(other_key, other_equivalents, other_one_way):
            graph.setdefault(a, []).append((b, other_key))
    for start, end in synonym_edges(key, equivalents, one_way):
        # Breadth-first from ``end`` back to ``start`` through the other synonyms only.
        seen, queue = {end}, [(end, [start, end], None)]
        while queue:
            node, path, via = queue.pop(0)
            for nxt, owner in graph.get(node, []):
                if nxt == start:
                    return [*path, nxt], owner
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append((nxt, [*path, nxt], owner))
    return None


class BestBet(TimeStampedModel):
    """An offer staff recommend first for a search, whatever the words of the offer say."""

    query = models.CharField(
        max_length=200,
        help_text="The search, e.g. covid recovery. Matched whole, ignoring capitals and punctuation.",
    )
    offer = models.ForeignKey(
        "offers.Offer",
        on_delete=models.CASCADE,
        related_name="best_bets",
        help_text="The offer to show first, marked as recommended.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="When several offers are recommended for one search: lower comes first."
    )

    class Meta:
        ordering = ["query", "order", "id"]
        verbose_name = "best bet"
        constraints = [models.UniqueConstraint(fields=["query", "offer"], name="bestbet_query_offer_unique")]

    def __str__(self) -> str:
        return f"{self.query} → {self.offer}"

    def clean(self) -> None:
        super().clean()
        self.query = normalize_query(self.query)
        if not self.query:
            raise ValidationError({"query": BEST_BET_QUERY_REQUIRED})

    def save(self, *args, **kwargs):
        self.query = normalize_query(self.query)
        super().save(*args, **kwargs)


class ZeroResultSearch(models.Model):
    """A search on the catalogue that found nothing: what was typed, how often and when last.

    Never who: no user, address or session is kept.
    """

    key = models.CharField(
        max_length=200, unique=True, help_text="The search as compared: lower case, punctuation dropped."
    )
    query = models.CharField(max_length=200, help_text="The search as last typed.")
    searches = models.PositiveIntegerField(default=1, help_text="How many times it was searched and found nothing.")
    first_searched_at = models.DateTimeField(help_text="When it first found nothing.")
    last_searched_at = models.DateTimeField(db_index=True, help_text="When it last found nothing.")

    class Meta:
        ordering = ["-last_searched_at"]
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"

    def __str__(self) -> str:
        return self.query
