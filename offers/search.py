"""The catalogue search behind ``Offer.objects.search()``, the same on PostgreSQL and SQLite.

A search is read the way people type it (``"quoted phrases"``, ``-word`` to leave out, ``or``
between alternatives; everything else is a word that must appear), widened with the synonyms
staff keep (``offers/search_models.py``), then run on the database's own full-text index
(``offers/search_schema.py``): PostgreSQL's stored, weighted ``tsvector`` or SQLite's FTS5.

Ranking, on both: how well the words match (title above summary above the rest), more when the
whole search matches the title, more again when its words appear as a phrase; then scaled by
status, so an offer councils can take up now comes above a suspended or closed one. Best bets
(offers staff pin to a search) come before everything.

Every word of the user's goes to the database as a parameter; no user text ever becomes SQL or
an FTS5/tsquery operator, so operators typed in a search (``NEAR``, ``*``, ``^``, quotes,
``&``, ``|``, ``!``) are read as words or spaces, never as syntax.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, Case, Expression, FloatField, Q, QuerySet, TextField, Value, When
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from lga_portal import page_cache
from offers.models import SEARCH_MAX_LENGTH
from offers.search_models import BestBet, Synonym, ZeroResultSearch, normalize_query, search_words, synonym_edges

# Catalogue counts stop here: "more than 1,000 offers" is as useful as an exact figure, and far cheaper.
SEARCH_COUNT_CAP = 1000
# Longest run of words looked up as one synonym ("test trace and outbreak management").
SYNONYM_MAX_WORDS = 6
SYNONYM_MAX_EQUIVALENTS = 10
PHRASE_MAX_VARIANTS = 12
# Words this short that have synonyms are taken for acronyms, whose plurals are also searched.
ACRONYM_MAX_LENGTH = 6
# pg_trgm's default similarity threshold; SQLite computes the same measure in Python.
SIMILARITY_THRESHOLD = 0.3

# PostgreSQL's English stop words (its `english.stop`): dropped from searches on both databases,
# as to_tsquery drops them, so "the finance adviser" finds what "finance adviser" finds.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while of
    at by for with about against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each few more most other
    some such no nor not only own same so than too very s t can will just don should now""".split()
)

_QUOTES = '"“”„'
_MINUS = "-−"

# Ranking, the same shape on both databases: base (0 to 1) + bonuses, times the status weight.
TITLE_BONUS = 1.0
PHRASE_BONUS = 0.5
STATUS_WEIGHTS = {"available": 1.0, "coming_soon": 0.8, "in_development": 0.8}
OTHER_STATUS_WEIGHT = 0.5  # suspended, closed
BEST_BET_RANK = 1000.0

# Marks around matched words in extracts: control characters no offer text contains, turned
# into <mark> only after the text around them has been escaped.
_MARK_START, _MARK_END = "\x01", "\x02"


# --- reading a search ------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word, or a phrase (several words, in order)."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class All:
    children: tuple


@dataclass(frozen=True)
class AnyOf:
    children: tuple


@dataclass(frozen=True)
class Item:
    """One thing typed: a word, a hyphenated word or a quoted phrase; perhaps excluded."""

    words: tuple[str, ...]
    quoted: bool
    excluded: bool
    or_previous: bool


def read_items(q: str) -> list[Item]:
    """Split a search into words, phrases, exclusions and ``or``s, as websearch_to_tsquery does."""
    items: list[Item] = []
    pending_or = False
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
            continue
        excluded = False
        if q[i] in _MINUS:
            while i < n and q[i] in _MINUS:
                i += 1
            if i >= n or q[i].isspace():
                continue  # a dash on its own means nothing
            excluded = True
        if q[i] in _QUOTES:
            end = i + 1
            while end < n and q[end] not in _QUOTES:
                end += 1
            text, i, quoted = q[i + 1 : end], end + 1, True  # an unclosed quote runs to the end
        else:
            end = i
            while end < n and not q[end].isspace() and q[end] not in _QUOTES:
                end += 1
            text, i, quoted = q[i:end], end, False
        words = tuple(search_words(text))
        if not words:
            continue
        if not quoted and not excluded and text.lower() == "or":
            pending_or = bool(items) and not items[-1].excluded
            continue
        items.append(Item(words, quoted or len(words) > 1, excluded, pending_or and not excluded))
        pending_or = False
    return items


class SynonymMap:
    """Which searches lead to which other words, from the staff's synonyms."""

    def __init__(self, groups: list[tuple[str, tuple[str, ...], bool]]):
        self.leads: dict[str, list[str]] = {}
        for key, equivalents, one_way in groups:
            for a, b in synonym_edges(key, equivalents, one_way):
                targets = self.leads.setdefault(a, [])
                if b not in targets:
                    targets.append(b)

    def equivalents(self, words: tuple[str, ...]) -> list[Term]:
        key = " ".join(words)
        found = self.leads.get(key)
        if found is None and len(words[-1]) > 3 and words[-1].endswith("s"):
            found = self.leads.get(" ".join((*words[:-1], words[-1][:-1])))  # "programmes" as "programme"
        return [Term(tuple(e.split())) for e in (found or [])[:SYNONYM_MAX_EQUIVALENTS]]

    def knows(self, word: str) -> bool:
        return word in self.leads


def _expand(items: list[Item], synonyms: SynonymMap) -> tuple[list, list, list | None]:
    """The search as nodes (positive, excluded), each word or run of words widened by its synonyms.

    Also the pieces of the phrase bonus: for each thing typed in order, the ways of saying it
    (the words typed, then their equivalents); None when an ``or`` makes the order meaningless.
    """
    clauses: list[list[Item]] = []
    excluded = []
    for item in items:
        if item.excluded:
            excluded.append(item)
        elif item.or_previous and clauses:
            clauses[-1].append(item)
        else:
            clauses.append([item])

    def widened(original, equivalents: list[Term]) -> object:
        if not equivalents:
            return original
        # Acronyms take a plain "s" ("FISAs", "CFOs"), which PostgreSQL's stemmer keeps apart.
        plurals = [
            Term((term.words[0] + "s",))
            for term in (original, *equivalents)
            if isinstance(term, Term)
            and len(term.words) == 1
            and len(term.words[0]) <= ACRONYM_MAX_LENGTH
            and not term.words[0].endswith("s")
        ]
        return AnyOf((original, *equivalents, *plurals))

    def plain(clause: list[Item]) -> bool:
        return len(clause) == 1 and not clause[0].quoted

    nodes, pieces, ordered = [], [], True
    i = 0
    while i < len(clauses):
        if plain(clauses[i]):
            run = 1
            while i + run < len(clauses) and run < SYNONYM_MAX_WORDS and plain(clauses[i + run]):
                run += 1
            for size in range(run, 0, -1):
                words = tuple(clauses[k][0].words[0] for k in range(i, i + size))
                equivalents = synonyms.equivalents(words)
                if equivalents:
                    original = Term(words) if size == 1 else All(tuple(Term((w,)) for w in words))
                    nodes.append(widened(original, equivalents))
                    pieces.append([words, *(e.words for e in equivalents)])
                    i += size
                    break
            else:
                nodes.append(Term(clauses[i][0].words))
                pieces.append([clauses[i][0].words])
                i += 1
            continue
        alternatives = []
        for item in clauses[i]:
            equivalents = synonyms.equivalents(item.words)
            alternatives.append(widened(Term(item.words), equivalents))
            pieces.append([item.words, *(e.words for e in equivalents)])
        ordered = ordered and len(clauses[i]) == 1
        nodes.append(alternatives[0] if len(alternatives) == 1 else AnyOf(tuple(alternatives)))
        i += 1
    negatives = []
    for item in excluded:
        equivalents = synonyms.equivalents(item.words)
        negatives.append(widened(Term(item.words), equivalents))
    return nodes, negatives, pieces if ordered else None


def _prune(node):
    """Drop stop words (a phrase keeps them, as PostgreSQL keeps their place); None if nothing is left."""
    if isinstance(node, Term):
        return None if all(w in STOP_WORDS for w in node.words) else node
    children = [child for child in (_prune(c) for c in node.children) if child is not None]
    if not children:
        return None
    return children[0] if len(children) == 1 else type(node)(tuple(children))


@dataclass(frozen=True)
class ParsedSearch:
    """A search ready to run: what must match, what must not, and the words as one phrase."""

    text: str
    key: str
    positive: object | None
    negative: object | None
    phrase: object | None
    words: tuple[str, ...]  # the words typed (not excluded), for spelling suggestions

    @property
    def usable(self) -> bool:
        return self.positive is not None or self.negative is not None


def parse(q: str, synonyms: SynonymMap) -> ParsedSearch:
    q = " ".join((q or "").split())[:SEARCH_MAX_LENGTH]
    items = read_items(q)
    positive_nodes, negative_nodes, pieces = _expand(items, synonyms)
    positive = _prune(All(tuple(positive_nodes))) if positive_nodes else None
    negative = _prune(AnyOf(tuple(negative_nodes))) if negative_nodes else None
    # The phrase bonus: the words typed, in order, said any of the ways the synonyms know.
    phrase = None
    if pieces and sum(w not in STOP_WORDS for piece in pieces for w in piece[0]) > 1:
        variants = [
            Term(tuple(w for words in combination for w in words))
            for combination in itertools.islice(itertools.product(*pieces), PHRASE_MAX_VARIANTS)
        ]
        phrase = _prune(AnyOf(tuple(variants)))
    words = tuple(dict.fromkeys(w for item in items if not item.excluded for w in item.words))
    return ParsedSearch(q, normalize_query(q), positive, negative, phrase, words)


def load_synonyms(using: str = "default") -> SynonymMap:
    """Every synonym (the table is small: a few hundred rows at most).

    Read in one query, then kept until the catalogue's version moves on: staff editing a
    synonym moves it (``offers/signals.py``), so an edit still works at once.
    """
    return page_cache.per_version(
        page_cache.CATALOGUE, f"synonyms:{using}", lambda: SynonymMap(Synonym.objects.using(using).groups())
    )


# --- the two databases ---------------------------------------------------------------------


class RowSQL(Expression):
    """SQL about the offer's own row, with ``{table}`` resolved to its alias in whatever query it joins."""

    def __init__(self, template: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params, self.alias = template, list(params), None

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        return self.template.format(table=compiler.quote_name_unless_alias(self.alias)), list(self.params)

    def get_group_by_cols(self):
        return [self]

    def __eq__(self, other):
        return isinstance(other, RowSQL) and (self.template, self.params, self.alias) == (
            other.template,
            other.params,
            other.alias,
        )

    def __hash__(self):
        return hash((self.template, self.alias))


def _status_case(table: str = "{table}") -> tuple[str, list]:
    whens = " ".join("WHEN %s THEN %s" for _ in STATUS_WEIGHTS)
    params = [value for pair in STATUS_WEIGHTS.items() for value in pair]
    return f'CASE {table}."status" {whens} ELSE %s END', [*params, OTHER_STATUS_WEIGHT]


def _best_bet_case(best: list[int]) -> tuple[str, list]:
    if not best:
        return "0", []
    whens = " ".join("WHEN %s THEN %s" for _ in best)
    params = [value for position, pk in enumerate(best) for value in (pk, BEST_BET_RANK - position)]
    return f'CASE {{table}}."id" {whens} ELSE 0 END', params


class PostgresSearch:
    """Stored weighted tsvector (GIN), to_tsquery built from the parsed words, ts_rank, ts_headline."""

    VECTOR = '{table}."search_vector"'
    WEIGHTS = [0.05, 0.2, 0.4, 1.0]  # D, C (the rest), B (summary), A (title)

    @classmethod
    def tsquery(cls, node, weight: str = "") -> str:
        if isinstance(node, Term):
            # Words are letters and digits only (search_words), so quoting cannot be broken out of.
            parts = [f"'{w}'{':' + weight if weight else ''}" for w in node.words]
            return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"
        joiner = " & " if isinstance(node, All) else " | "
        return "(" + joiner.join(cls.tsquery(child, weight) for child in node.children) + ")"

    def matches(self, parsed: ParsedSearch) -> RowSQL:
        if parsed.positive is not None and parsed.negative is not None:
            text = f"{self.tsquery(parsed.positive)} & !{self.tsquery(parsed.negative)}"
        elif parsed.positive is not None:
            text = self.tsquery(parsed.positive)
        else:
            text = f"!{self.tsquery(parsed.negative)}"
        return RowSQL(f"{self.VECTOR} @@ to_tsquery('english'::regconfig, %s)", [text], BooleanField())

    def rank(self, parsed: ParsedSearch, best: list[int]) -> RowSQL:
        parts, params = [], []
        if parsed.positive is not None:
            parts.append(f"ts_rank(%s::float4[], {self.VECTOR}, to_tsquery('english'::regconfig, %s), 32)")
            params += [self.WEIGHTS, self.tsquery(parsed.positive)]
            parts.append(f"CASE WHEN {self.VECTOR} @@ to_tsquery('english'::regconfig, %s) THEN %s ELSE 0 END")
            params += [self.tsquery(parsed.positive, weight="A"), TITLE_BONUS]
        if parsed.phrase is not None:
            parts.append(f"CASE WHEN {self.VECTOR} @@ to_tsquery('english'::regconfig, %s) THEN %s ELSE 0 END")
            params += [self.tsquery(parsed.phrase), PHRASE_BONUS]
        status_sql, status_params = _status_case()
        bet_sql, bet_params = _best_bet_case(best)
        base = " + ".join(parts) or "0"
        return RowSQL(f"(({base}) * {status_sql} + {bet_sql})", [*params, *status_params, *bet_params], FloatField())

    def extract(self, parsed: ParsedSearch) -> Expression:
        if parsed.positive is None:
            return Value("", output_field=TextField())
        options = (
            f"StartSel={_MARK_START}, StopSel={_MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        return RowSQL(
            "ts_headline('english'::regconfig, {table}.\"search_document\", to_tsquery('english'::regconfig, %s), %s)",
            [self.tsquery(parsed.positive), options],
            TextField(),
        )

    def unmatched_words(self, cursor, words: list[str]) -> set[str]:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word WHERE NOT EXISTS (SELECT 1 FROM offers_offer "
            "WHERE is_published AND search_vector @@ to_tsquery('english'::regconfig, quote_literal(word)))",
            [words],
        )
        return {row[0] for row in cursor.fetchall()}

    def closest_words(self, cursor, words: list[str]) -> dict[str, str]:
        cursor.execute(
            "SELECT DISTINCT ON (typed) typed, known.word FROM unnest(%s::text[]) AS typed "
            "JOIN offers_search_word AS known ON known.word %% typed AND similarity(known.word, typed) >= %s "
            "ORDER BY typed, similarity(known.word, typed) DESC, known.word",
            [words, SIMILARITY_THRESHOLD],
        )
        return dict(cursor.fetchall())


class SQLiteSearch:
    """FTS5 with porter stemming; bm25 for rank, snippet for extracts, the words' vocabulary for typos."""

    TABLE = "offers_offer_fts"
    COLUMN_WEIGHTS = "10.0, 4.0, 1.0"  # title, summary, the rest
    BM25_HALF = 8.0  # the bm25 score that counts as half a perfect match

    @classmethod
    def fts(cls, node) -> str:
        if isinstance(node, Term):
            # Quoted FTS5 strings: the words are letters and digits, so no operator can appear.
            return '"' + " ".join(node.words) + '"'
        joiner = " AND " if isinstance(node, All) else " OR "
        return "(" + joiner.join(cls.fts(child) for child in node.children) + ")"

    def _row_match(self, select: str) -> str:
        return f'(SELECT {select} FROM {self.TABLE} WHERE {self.TABLE} MATCH %s AND rowid = {{table}}."id")'

    def matches(self, parsed: ParsedSearch) -> RowSQL:
        ids = f"(SELECT rowid FROM {self.TABLE} WHERE {self.TABLE} MATCH %s)"
        if parsed.positive is None:  # only exclusions: every offer but those
            return RowSQL(f'{{table}}."id" NOT IN {ids}', [self.fts(parsed.negative)], BooleanField())
        text = self.fts(parsed.positive)
        if parsed.negative is not None:
            text = f"{text} NOT {self.fts(parsed.negative)}"
        return RowSQL(f'{{table}}."id" IN {ids}', [text], BooleanField())

    def rank(self, parsed: ParsedSearch, best: list[int]) -> RowSQL:
        parts, params = [], []
        if parsed.positive is not None:
            score = self._row_match(f"-bm25({self.TABLE}, {self.COLUMN_WEIGHTS})")
            parts.append(f"COALESCE((SELECT s / (s + %s) FROM (SELECT {score} AS s)), 0)")
            params += [self.BM25_HALF, self.fts(parsed.positive)]
            parts.append(f"CASE WHEN EXISTS {self._row_match('1')} THEN %s ELSE 0 END")
            params += [f"title : {self.fts(parsed.positive)}", TITLE_BONUS]
        if parsed.phrase is not None:
            parts.append(f"CASE WHEN EXISTS {self._row_match('1')} THEN %s ELSE 0 END")
            params += [self.fts(parsed.phrase), PHRASE_BONUS]
        status_sql, status_params = _status_case()
        bet_sql, bet_params = _best_bet_case(best)
        base = " + ".join(parts) or "0"
        return RowSQL(f"(({base}) * {status_sql} + {bet_sql})", [*params, *status_params, *bet_params], FloatField())

    def extract(self, parsed: ParsedSearch) -> Expression:
        if parsed.positive is None:
            return Value("", output_field=TextField())
        return RowSQL(
            self._row_match(f"snippet({self.TABLE}, 2, char(1), char(2), ' … ', 24)"),
            [self.fts(parsed.positive)],
            TextField(),
        )

    def unmatched_words(self, cursor, words: list[str]) -> set[str]:
        probe = (
            f"SELECT %s, EXISTS (SELECT 1 FROM {self.TABLE} JOIN offers_offer ON offers_offer.id = {self.TABLE}.rowid "
            f"WHERE {self.TABLE} MATCH %s AND offers_offer.is_published)"
        )
        cursor.execute(" UNION ALL ".join([probe] * len(words)), [p for w in words for p in (w, f'"{w}"')])
        return {word for word, found in cursor.fetchall() if not found}

    def closest_words(self, cursor, words: list[str]) -> dict[str, str]:
        shortest, longest = min(map(len, words)), max(map(len, words))
        cursor.execute(
            "SELECT term FROM offers_offer_words_vocab WHERE length(term) BETWEEN %s AND %s",
            [max(3, shortest - 3), min(40, longest + 3)],
        )
        known = [term for (term,) in cursor.fetchall() if any(ch.isalpha() for ch in term)]
        found = {}
        for typed in words:
            grams = trigrams(typed)
            scored = [(similarity_of(grams, trigrams(word)), word) for word in known]
            scored = [(-score, word) for score, word in scored if score >= SIMILARITY_THRESHOLD]
            if scored:
                found[typed] = min(scored)[1]
        return found


def trigrams(word: str) -> set[str]:
    """A word's trigrams as pg_trgm makes them: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity_of(a: set[str], b: set[str]) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two."""
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 0.0


def backend_for(using: str):
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return PostgresSearch()
    if vendor == "sqlite":
        return SQLiteSearch()
    raise NotImplementedError(f"The catalogue search runs on PostgreSQL or SQLite, not {vendor}.")


# --- searching -------------------------------------------------------------------------------


def best_bets(key: str, using: str = "default") -> list[int]:
    """The offers pinned to this search, in the staff's order.

    Every best bet is read in one query (staff pin a few dozen) and kept until the catalogue's
    version moves on, as the synonyms are.
    """
    if not key:
        return []
    return list(
        page_cache.per_version(page_cache.CATALOGUE, f"best-bets:{using}", lambda: _all_best_bets(using)).get(key, ())
    )


def _all_best_bets(using: str) -> dict[str, tuple[int, ...]]:
    pinned: dict[str, list[int]] = {}
    for query, offer_id in (
        BestBet.objects.using(using).order_by("query", "order", "id").values_list("query", "offer_id")
    ):
        pinned.setdefault(query, []).append(offer_id)
    return {query: tuple(ids) for query, ids in pinned.items()}


def search_queryset(queryset: QuerySet, q: str, *, extracts: bool = False) -> QuerySet:
    """``queryset`` narrowed to the offers matching ``q``, annotated ``rank``, ``is_recommended``.

    With ``extracts``, also ``search_extract``: a short passage with the matched words marked,
    raw (see ``extract_html``). The synonyms and best bets are read now (two queries, unless
    kept since the catalogue last changed); the rest when the queryset is read. A search with no usable words (only punctuation, say) matches nothing.
    """
    q = " ".join((q or "").split())[:SEARCH_MAX_LENGTH]
    if not q:
        return queryset
    using = queryset.db
    parsed = parse(q, load_synonyms(using))
    if not parsed.usable:
        return queryset.annotate(
            rank=Value(0.0, output_field=FloatField()), is_recommended=Value(False, output_field=BooleanField())
        ).none()
    backend = backend_for(using)
    best = best_bets(parsed.key, using)
    condition = Q(backend.matches(parsed))
    recommended = Value(False, output_field=BooleanField())
    if best:
        condition |= Q(pk__in=best)
        recommended = Case(When(pk__in=best, then=Value(True)), default=Value(False), output_field=BooleanField())
    offers = queryset.filter(condition).annotate(rank=backend.rank(parsed, best), is_recommended=recommended)
    if extracts:
        offers = offers.annotate(search_extract=backend.extract(parsed))
    return offers


def ranked_slice(offers: QuerySet, bottom: int, top: int) -> QuerySet:
    """``offers[bottom:top]``, for a search sorted by rank: the page is chosen from ids alone.

    Every match must be ranked to know which come first, but only the page's rows need their
    columns, theme and extract: the ranking runs over the offers' ids (a narrow sort), and the
    page's rows are read by those ids, in the same order (the query's ordering, kept). Other
    querysets are sliced as they are. Still one query.
    """
    if "rank" not in offers.query.annotations or offers.query.is_sliced:
        return offers[bottom:top]
    return offers.filter(pk__in=offers.values("pk")[bottom:top])


def capped_count(queryset: QuerySet, cap: int = SEARCH_COUNT_CAP) -> int:
    """How many rows, counting no further than ``cap`` + 1 (so "more than ``cap``" can be told)."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def suggest_spelling(q: str, using: str = "default") -> str | None:
    """``q`` with each word that matches no published offer replaced by the closest catalogue word.

    None when every word matches something or nothing close enough is known. Two queries:
    which words match nothing, then the closest known word to each (pg_trgm similarity on
    PostgreSQL; the same measure computed over the FTS5 vocabulary on SQLite).
    """
    q = " ".join((q or "").split())[:SEARCH_MAX_LENGTH]
    synonyms = load_synonyms(using)
    parsed = parse(q, synonyms)
    candidates = [
        w
        for w in parsed.words
        if len(w) >= 3 and w.isalpha() and w not in STOP_WORDS and not synonyms.knows(w) and len(w) <= 40
    ]
    if not candidates:
        return None
    backend = backend_for(using)
    with connections[using].cursor() as cursor:
        unmatched = sorted(backend.unmatched_words(cursor, candidates))
        if not unmatched:
            return None
        closest = backend.closest_words(cursor, unmatched)
    closest = {typed: known for typed, known in closest.items() if known != typed}
    if not closest:
        return None

    def replace(match: re.Match) -> str:
        return closest.get(match.group(0).lower(), match.group(0))

    return re.sub(r"[^\W_]+", replace, q)


def extract_html(raw: str | None) -> SafeString:
    """An extract with its matched words in ``<mark>``: the text escaped first, then marked up.

    Empty when nothing in it was matched (a best bet that shares no word with the search).
    """
    if not raw or _MARK_START not in raw:
        return mark_safe("")
    out, open_mark = [], False
    for piece in re.split(f"([{_MARK_START}{_MARK_END}])", " ".join(raw.split())):
        if piece == _MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == _MARK_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(html.escape(piece))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above was escaped


def zero_result_search_record(*, query: str, using: str = "default") -> None:
    """Count a catalogue search that found nothing: one upsert, and nothing about who searched."""
    query = " ".join((query or "").split())[:SEARCH_MAX_LENGTH]
    key = normalize_query(query)[:200]
    if not key:
        return
    connection = connections[using]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    qn = connection.ops.quote_name
    table = qn(ZeroResultSearch._meta.db_table)
    key_, query_, searches, first, last = map(qn, ["key", "query", "searches", "first_searched_at", "last_searched_at"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {query_}, {searches}, {first}, {last}) VALUES (%s, %s, 1, %s, %s) "
            f"ON CONFLICT ({key_}) DO UPDATE SET {searches} = {table}.{searches} + 1, "
            f"{query_} = excluded.{query_}, {last} = excluded.{last}",
            [key, query, now, now],
        )


def search_settings_state(using: str = "default") -> tuple:
    """When the synonyms and best bets last changed, and how many there are: one query.

    Part of a search page's ETag, since staff editing them changes what a search shows.
    """
    connection = connections[using]
    synonyms = connection.ops.quote_name(Synonym._meta.db_table)
    bets = connection.ops.quote_name(BestBet._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(modified_at) FROM {synonyms}), (SELECT COUNT(*) FROM {synonyms}), "
            f"(SELECT MAX(modified_at) FROM {bets}), (SELECT COUNT(*) FROM {bets})"
        )
        return tuple(cursor.fetchone())
