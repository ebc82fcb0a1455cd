"""The database side of the catalogue search: stored, weighted search text kept in step with offers.

PostgreSQL: a ``search_vector`` column on ``offers_offer`` (title weighted A, summary B, the
rest C), filled by a trigger and indexed with GIN; and ``offers_search_word``, the catalogue's
own words for spelling suggestions, indexed for ``pg_trgm`` similarity.

SQLite: two FTS5 tables kept in step by triggers: ``offers_offer_fts`` (porter-stemmed title,
summary and the rest, for matching and ranking) and ``offers_offer_words`` (the published
offers' words as written, whose vocabulary ``offers_offer_words_vocab`` feeds suggestions).

Neither is a Django model: ``offers/search.py`` reads them in SQL. Triggers rather than a
generated column, because PostgreSQL refuses to change the type of a column a generated column
reads (a longer title would need this migration undone first), and because SQLite rebuilds a
table to alter it, dropping its triggers: ``ensure_sqlite_triggers`` (run after every migrate)
puts them back and re-indexes.
"""

from __future__ import annotations

# Punctuation becomes a space before PostgreSQL's parser sees the text, so "COVID-19", "S114"
# and "cyber-security" split into words exactly as SQLite's tokenizer and the query parser in
# offers/search.py split them (the parser would otherwise keep "-19" as a signed number).
POSTGRES_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "DROP INDEX IF EXISTS offers_offer_search_gin",
    """
    CREATE OR REPLACE FUNCTION offers_search_text(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_replace(lower(coalesce(value, '')), '[^[:alnum:]]+', ' ', 'g') $$
    """,
    "ALTER TABLE offers_offer ADD COLUMN IF NOT EXISTS search_vector tsvector",
    """
    CREATE OR REPLACE FUNCTION offers_offer_search_vector() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english'::regconfig, offers_search_text(NEW.title)), 'A')
            || setweight(to_tsvector('english'::regconfig, offers_search_text(NEW.summary)), 'B')
            || setweight(to_tsvector('english'::regconfig, offers_search_text(NEW.search_document)), 'C');
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS offers_offer_search_vector ON offers_offer",
    """
    CREATE TRIGGER offers_offer_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, search_document ON offers_offer
    FOR EACH ROW EXECUTE FUNCTION offers_offer_search_vector()
    """,
    "CREATE INDEX IF NOT EXISTS offers_offer_search_vector_gin ON offers_offer USING gin (search_vector)",
    # Words only ever added here; `seed` rebuilds the list, dropping words no offer uses any more.
    "CREATE TABLE IF NOT EXISTS offers_search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS offers_search_word_trgm ON offers_search_word USING gin (word gin_trgm_ops)",
    """
    CREATE OR REPLACE FUNCTION offers_search_words(value text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT DISTINCT word FROM regexp_split_to_table(offers_search_text(value), ' ') AS word
        WHERE length(word) BETWEEN 3 AND 40 AND word ~ '[[:alpha:]]'
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION offers_offer_search_words() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        IF NEW.is_published THEN
            -- In a fixed order, so two saves at once never wait on each other's words in a cycle.
            INSERT INTO offers_search_word (word)
            SELECT word FROM offers_search_words(NEW.search_document) AS word ORDER BY word
            ON CONFLICT (word) DO NOTHING;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS offers_offer_search_words ON offers_offer",
    """
    CREATE TRIGGER offers_offer_search_words
    AFTER INSERT OR UPDATE OF search_document, is_published ON offers_offer
    FOR EACH ROW EXECUTE FUNCTION offers_offer_search_words()
    """,
    # Fill both for the offers already there (the triggers fire on this update).
    "UPDATE offers_offer SET search_document = search_document",
]

POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS offers_offer_search_words ON offers_offer",
    "DROP FUNCTION IF EXISTS offers_offer_search_words()",
    "DROP FUNCTION IF EXISTS offers_search_words(text)",
    "DROP TABLE IF EXISTS offers_search_word",
    "DROP TRIGGER IF EXISTS offers_offer_search_vector ON offers_offer",
    "DROP FUNCTION IF EXISTS offers_offer_search_vector()",
    "ALTER TABLE offers_offer DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS offers_search_text(text)",
    "CREATE INDEX IF NOT EXISTS offers_offer_search_gin ON offers_offer USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(search_document, '')))",
]

POSTGRES_REBUILD_WORDS = [
    "DELETE FROM offers_search_word",
    "INSERT INTO offers_search_word (word) SELECT DISTINCT word FROM offers_offer, "
    "offers_search_words(search_document) AS word WHERE is_published ON CONFLICT (word) DO NOTHING",
]

SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS offers_offer_fts USING fts5("
    "title, summary, search_document, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS offers_offer_words USING fts5("
    "search_document, tokenize = 'unicode61 remove_diacritics 2', detail = 'none')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS offers_offer_words_vocab USING fts5vocab(offers_offer_words, 'row')",
]

# Each index keeps its own copy of the text, so a row can be removed by its id alone.
SQLITE_TRIGGERS = {
    "offers_offer_search_insert": """
        CREATE TRIGGER offers_offer_search_insert AFTER INSERT ON offers_offer BEGIN
            INSERT INTO offers_offer_fts (rowid, title, summary, search_document)
            VALUES (new.id, new.title, new.summary, new.search_document);
            INSERT INTO offers_offer_words (rowid, search_document)
            SELECT new.id, new.search_document WHERE new.is_published;
        END
    """,
    "offers_offer_search_delete": """
        CREATE TRIGGER offers_offer_search_delete AFTER DELETE ON offers_offer BEGIN
            DELETE FROM offers_offer_fts WHERE rowid = old.id;
            DELETE FROM offers_offer_words WHERE rowid = old.id;
        END
    """,
    "offers_offer_search_update": """
        CREATE TRIGGER offers_offer_search_update
        AFTER UPDATE OF id, title, summary, search_document, is_published ON offers_offer BEGIN
            DELETE FROM offers_offer_fts WHERE rowid = old.id;
            DELETE FROM offers_offer_words WHERE rowid = old.id;
            INSERT INTO offers_offer_fts (rowid, title, summary, search_document)
            VALUES (new.id, new.title, new.summary, new.search_document);
            INSERT INTO offers_offer_words (rowid, search_document)
            SELECT new.id, new.search_document WHERE new.is_published;
        END
    """,
}

SQLITE_REBUILD = [
    "DELETE FROM offers_offer_fts",
    "INSERT INTO offers_offer_fts (rowid, title, summary, search_document) "
    "SELECT id, title, summary, search_document FROM offers_offer",
    "DELETE FROM offers_offer_words",
    "INSERT INTO offers_offer_words (rowid, search_document) SELECT id, search_document FROM offers_offer "
    "WHERE is_published",
]

SQLITE_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    "DROP TABLE IF EXISTS offers_offer_words_vocab",
    "DROP TABLE IF EXISTS offers_offer_words",
    "DROP TABLE IF EXISTS offers_offer_fts",
]


def install(schema_editor) -> None:
    """Create the search tables, columns and triggers for this database, and index what is there."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_INSTALL:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
            if not cursor.fetchone()[0]:
                raise RuntimeError(
                    "This SQLite was built without FTS5, which the catalogue search needs; "
                    "use a Python whose sqlite3 module includes it (most do), or PostgreSQL."
                )
        for statement in SQLITE_TABLES:
            schema_editor.execute(statement)
        ensure_sqlite_triggers(schema_editor.connection, rebuild=True)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_UNINSTALL, "sqlite": SQLITE_UNINSTALL}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def ensure_sqlite_triggers(connection, *, rebuild: bool = False) -> bool:
    """Put back any search trigger SQLite dropped with a rebuilt table; re-index if one was missing.

    Returns whether anything was done. Cheap when all is in place (one query), so it runs
    after every migrate and every test flush.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE (type = 'trigger' AND tbl_name = 'offers_offer') "
            "OR (type = 'table' AND name = 'offers_offer_fts')"
        )
        found = {(kind, name) for kind, name in cursor.fetchall()}
        if ("table", "offers_offer_fts") not in found:
            return False  # the search migration has not run (yet)
        missing = [name for name in SQLITE_TRIGGERS if ("trigger", name) not in found]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        if missing or rebuild:
            for statement in SQLITE_REBUILD:
                cursor.execute(statement)
    return bool(missing or rebuild)


def rebuild_search_words(connection) -> None:
    """Make the list of words suggestions come from exactly the published offers' words (PostgreSQL).

    SQLite's list is an index kept exact by its triggers, so there is nothing to do there.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in POSTGRES_REBUILD_WORDS:
            cursor.execute(statement)
