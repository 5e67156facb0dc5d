"""The full-text index of a server project: a `simple` tsvector per turn and per memo, kept current by triggers.

The PostgreSQL counterpart of the file project's FTS5 tables (search_index.py), with the same names so that the
schema comparison ignores both. `search_turns` holds one row a speaker turn (id = turns.id): `words`, the
tsvector of the turn's text (the slice of its document's text), and `speaker_words`, the speaker's. `search_memos`
holds one row a memo (id = memos.id): its title and text on separate lines, and its author's name.
`search_turn_texts` holds what a hit shows of each turn (id = turns.id): its document, place and speaker, and its
text (`body`), as the file project's FTS5 table keeps it. A hit reads one row of its own few hundred bytes instead
of its turn's row and its whole document (one compressed value, read and sent whole); it is a table of its own so
that counting hits reads narrow rows. GIN indexes
answer the queries (tsquery.py); they take new words at once (`fastupdate = off`), as a pending list of new
entries, read by every search until a vacuum merges it, made searches after an import several times slower.

Words are split and folded by `rapport_search_words(text)`, a SQL function made from FTS5's own rules
(app/storage/fts5_words.py) rather than PostgreSQL's parser, so a server project counts exactly the hits a file
project counts: `café` and `CAFE` are one word, `don't` is two, `1.5` is two. Row triggers on turns, documents,
memos and coders write the index in the same transaction as the text.

A tsvector keeps a word's first 256 positions and numbers words up to 16,383: a long monologue (a document
without speaker labels is one turn) would lose phrases. For such a text `long_words` also holds all its words in
order, one space apart, and its phrases are looked for there. A word of 2 KB or more is not indexed (FTS5 would).

Revision 0008_search_fts5 runs `create(connection)` on PostgreSQL; `drop_statements()` undoes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.storage import fts5_words, server_search_terms

TURNS_TABLE = "search_turns"
MEMOS_TABLE = "search_memos"
TURN_TEXTS_TABLE = "search_turn_texts"
TABLES = (TURNS_TABLE, MEMOS_TABLE, TURN_TEXTS_TABLE, server_search_terms.TERMS_TABLE)
WORDS_FUNCTION = "rapport_search_words"
LONG_WORDS_FUNCTION = "rapport_search_long_words"
LONGEST_WORD_BYTES = 2046  # tsvector refuses a longer lexeme
LAST_POSITION = 16383  # tsvector numbers words up to this
POSITIONS_KEPT = 256  # and keeps this many positions of a word

_TURN_BODY = 'substr({text}, {turn}.start + 1, {turn}."end" - {turn}.start)'
_MEMO_BODY = (
    "CASE WHEN coalesce({m}.title, '') = '' THEN coalesce({m}.text, '')"
    " WHEN coalesce({m}.text, '') = '' THEN {m}.title"
    " ELSE {m}.title || chr(10) || {m}.text END"
)
_MEMO_AUTHOR = "coalesce((SELECT name FROM coders WHERE id = {m}.author_id), '')"
_SET = "words = excluded.words, long_words = excluded.long_words, speaker_words = excluded.speaker_words"
# A tsvector literal of one word at one position: 'word':7, quotes doubled and backslashes escaped.
_LEXEME = r"'''' || replace(replace(word, '\', '\\'), '''', '''''') || ''':' || least(position, {last})"
TRIGGERS = (
    ("search_turn_changed", "turns", 'AFTER INSERT OR UPDATE OF id, document_id, start, "end", speaker'),
    ("search_turn_removed", "turns", "AFTER DELETE"),
    ("search_text_changed", "documents", "AFTER UPDATE OF text"),
    ("search_memo_changed", "memos", "AFTER INSERT OR UPDATE OF id, title, text, author_id"),
    ("search_memo_removed", "memos", "AFTER DELETE"),
    ("search_author_renamed", "coders", "AFTER UPDATE OF name"),
)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _numbered_words(body: str) -> str:
    """A subquery of (word, position): FTS5's words of `body`, folded, numbered from 1 as FTS5 numbers them from 0.

    A word is a run of non-separators; ASCII words are lowered with the C collation (exactly A-Z -> a-z), the
    others folded by translate() (which drops the characters past the end of its third argument); a word left
    empty is no word.
    """
    fold_from, fold_to = fts5_words.postgres_fold_arguments()
    pattern = fts5_words.word_pattern()
    return f"""(
    SELECT word, row_number() OVER (ORDER BY n) AS position FROM (
        SELECT CASE WHEN octet_length(m[1]) = length(m[1]) THEN lower(m[1] COLLATE "C")
                    ELSE translate(m[1], {_literal(fold_from)}, {_literal(fold_to)}) END AS word, n
        FROM regexp_matches({body}, {_literal(pattern)}, 'g') WITH ORDINALITY AS found(m, n)
    ) folded WHERE word <> ''
) numbered"""


def words_function() -> str:
    """`rapport_search_words(text) -> tsvector`: the words with their positions.

    PL/pgSQL rather than SQL, here and below: a session plans its query once, where an SQL function called by a
    trigger's statement is planned again at every call (most of the time a row's trigger took)."""
    return f"""
CREATE OR REPLACE FUNCTION {WORDS_FUNCTION}(body text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $words$ BEGIN RETURN (
SELECT coalesce(string_agg({_LEXEME.format(last=LAST_POSITION)}, ' '), '')::tsvector
FROM {_numbered_words("body")}
WHERE octet_length(word) <= {LONGEST_WORD_BYTES}
); END $words$"""


def long_words_function() -> str:
    """`rapport_search_long_words(text, tsvector) -> text`: NULL, or for a text whose tsvector lost positions (a
    word 256 times or more, or a 16,383rd word) all its words in order, one space apart."""
    lossy = (
        f"SELECT 1 FROM unnest(words) AS entry WHERE array_length(entry.positions, 1) >= {POSITIONS_KEPT}"
        f" OR entry.positions[array_length(entry.positions, 1)] >= {LAST_POSITION}"
    )
    return f"""
CREATE OR REPLACE FUNCTION {LONG_WORDS_FUNCTION}(body text, words tsvector) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $words$ BEGIN RETURN (
SELECT CASE WHEN length(body) >= 2 * {POSITIONS_KEPT} - 1 AND EXISTS ({lossy})
    THEN (SELECT string_agg(word, ' ' ORDER BY position) FROM {_numbered_words("body")}) END
); END $words$"""


def _indexed(body: str) -> str:
    """A lateral subquery `v` of the body's `words` and `long_words`."""
    return (
        f"LATERAL (SELECT words, {LONG_WORDS_FUNCTION}(body, words) AS long_words FROM"
        f" (SELECT body, {WORDS_FUNCTION}(body) AS words FROM (SELECT {body} AS body) b) w) v"
    )


def _memos_insert(memo: str) -> str:
    """INSERT of the index rows of memos (`NEW`, or every memo `m`)."""
    source = "" if memo == "NEW" else "memos m CROSS JOIN "
    return (
        f"INSERT INTO {MEMOS_TABLE}(id, words, long_words, speaker_words)"
        f" SELECT {memo}.id, v.words, v.long_words, {WORDS_FUNCTION}({_MEMO_AUTHOR.format(m=memo)})"
        f" FROM {source}{_indexed(_MEMO_BODY.format(m=memo))}"
    )


# A turn's row, its text cut from its document once (each expression of a statement would cut it again).
_TURN_CHANGED = (
    f"SELECT {_TURN_BODY.format(text='d.text', turn='NEW')} INTO body FROM documents d WHERE d.id = NEW.document_id;"
    f" IF FOUND THEN body_words := {WORDS_FUNCTION}(body);"
    f" INSERT INTO {TURNS_TABLE}(id, words, long_words, speaker_words) VALUES (NEW.id, body_words,"
    f" {LONG_WORDS_FUNCTION}(body, body_words), {WORDS_FUNCTION}(coalesce(NEW.speaker, '')))"
    f" ON CONFLICT (id) DO UPDATE SET {_SET};"
    f' INSERT INTO {TURN_TEXTS_TABLE}(id, document_id, start, "end", speaker, body)'
    ' VALUES (NEW.id, NEW.document_id, NEW.start, NEW."end", NEW.speaker, body) ON CONFLICT (id) DO UPDATE SET'
    ' document_id = excluded.document_id, start = excluded.start, "end" = excluded."end",'
    " speaker = excluded.speaker, body = excluded.body; END IF;"
)


def trigger_function_statements() -> list[str]:
    def function(name: str, body: str, declare: str = "") -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$"
            f"{' DECLARE ' + declare if declare else ''} BEGIN {body} RETURN NULL; END $body$"
        )

    new_text_body = _TURN_BODY.format(text="NEW.text", turn="t")
    return [
        function(
            "search_turn_changed",
            f"IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN DELETE FROM {TURNS_TABLE} WHERE id = OLD.id;"
            f" DELETE FROM {TURN_TEXTS_TABLE} WHERE id = OLD.id; END IF; {_TURN_CHANGED}",
            declare="body text; body_words tsvector;",
        ),
        function(
            "search_turn_removed",
            f"DELETE FROM {TURNS_TABLE} WHERE id = OLD.id; DELETE FROM {TURN_TEXTS_TABLE} WHERE id = OLD.id;",
        ),
        function(
            "search_text_changed",
            f"UPDATE {TURNS_TABLE} s SET words = v.words, long_words = v.long_words"
            f" FROM turns t CROSS JOIN {_indexed(new_text_body)} WHERE t.document_id = NEW.id AND s.id = t.id;"
            f" UPDATE {TURN_TEXTS_TABLE} s SET body = {new_text_body}"
            " FROM turns t WHERE t.document_id = NEW.id AND s.id = t.id;",
        ),
        function(
            "search_memo_changed",
            f"IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN DELETE FROM {MEMOS_TABLE} WHERE id = OLD.id;"
            f" END IF; {_memos_insert('NEW')} ON CONFLICT (id) DO UPDATE SET {_SET};",
        ),
        function("search_memo_removed", f"DELETE FROM {MEMOS_TABLE} WHERE id = OLD.id;"),
        function(
            "search_author_renamed",
            f"UPDATE {MEMOS_TABLE} s SET speaker_words = {WORDS_FUNCTION}(coalesce(NEW.name, ''))"
            f" FROM memos m WHERE m.author_id = NEW.id AND s.id = m.id;",
        ),
    ]


def table_statements() -> list[str]:
    return [
        *(
            f"CREATE TABLE {table} (id bigint PRIMARY KEY, words tsvector NOT NULL, long_words text,"
            " speaker_words tsvector NOT NULL)"
            for table in (TURNS_TABLE, MEMOS_TABLE)
        ),
        _TURN_TEXTS_CREATE,
    ]


_TURN_TEXTS_CREATE = (
    f"CREATE TABLE {TURN_TEXTS_TABLE} (id bigint PRIMARY KEY, document_id bigint NOT NULL, start integer NOT NULL,"
    ' "end" integer NOT NULL, speaker text, body text NOT NULL)'
)


def index_statements() -> list[str]:
    """The GIN indexes, made by `fill()` once the rows are in (building one is faster than growing it)."""
    return [
        f"CREATE INDEX IF NOT EXISTS {table}_{column}_gin ON {table} USING gin ({column})"
        " WITH (fastupdate = off)"
        for table in (TURNS_TABLE, MEMOS_TABLE)
        for column in ("words", "speaker_words")
    ]


def trigger_statements() -> list[str]:
    return [
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
        for name, table, when in TRIGGERS
    ]


def create_statements() -> list[str]:
    """Everything but the indexes and the table of terms' rows and triggers: `fill()` makes them."""
    return [
        words_function(),
        long_words_function(),
        *table_statements(),
        *trigger_function_statements(),
        *trigger_statements(),
        *server_search_terms.create_statements(),
    ]


def drop_statements() -> list[str]:
    return [
        *server_search_terms.drop_statements(),
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _ in TRIGGERS),
        *(f"DROP FUNCTION IF EXISTS {name}()" for name, _, _ in TRIGGERS),
        f"DROP TABLE IF EXISTS {TURNS_TABLE}",
        f"DROP TABLE IF EXISTS {MEMOS_TABLE}",
        f"DROP TABLE IF EXISTS {TURN_TEXTS_TABLE}",
        f"DROP FUNCTION IF EXISTS {LONG_WORDS_FUNCTION}(text, tsvector)",
        f"DROP FUNCTION IF EXISTS {WORDS_FUNCTION}(text)",
    ]


def fill(connection: Any, progress: Callable[[int, int], None] | None = None, batch: int = 20) -> int:
    """Index every turn (a batch of documents at a time, telling `progress(done, total)`) and every memo, then
    make the GIN indexes and the table of terms (server_search_terms.py); right after `create_statements()`.
    Returns the number of documents.

    A turn's text is cut from its document's here rather than by substr() on the server, which reads a long
    document again from its start for every turn (character offsets in UTF-8). `connection` is an SQLAlchemy
    Connection in a transaction."""
    document_ids = [row[0] for row in connection.exec_driver_sql("SELECT id FROM documents ORDER BY id")]
    for first in range(0, len(document_ids), batch):
        chunk = document_ids[first : first + batch]
        texts = {
            ident: text
            for ident, text in connection.exec_driver_sql(
                "SELECT id, text FROM documents WHERE id = ANY(%(ids)s)", {"ids": chunk}
            )
        }
        turns = connection.exec_driver_sql(
            'SELECT id, document_id, start, "end", speaker FROM turns'
            " WHERE document_id = ANY(%(ids)s) ORDER BY id",
            {"ids": chunk},
        ).all()
        rows = {
            "ids": [turn[0] for turn in turns],
            "bodies": [texts[turn[1]][turn[2] : turn[3]] for turn in turns],
            "documents": [turn[1] for turn in turns],
            "starts": [turn[2] for turn in turns],
            "ends": [turn[3] for turn in turns],
            "speakers": [turn[4] for turn in turns],
        }
        connection.exec_driver_sql(_TURN_ROWS_INSERT, rows)
        connection.exec_driver_sql(_TURN_TEXTS_INSERT, rows)
        if progress is not None:
            progress(first + len(chunk), len(document_ids))
    connection.exec_driver_sql(_memos_insert("m"))
    for statement in [*index_statements(), *server_search_terms.fill_statements()]:
        connection.exec_driver_sql(statement)
    # Fresh statistics, or the planner guesses how many turns a word is in (a coder who does not own the
    # tables gets a warning, not an error, and autovacuum does it later).
    connection.exec_driver_sql(f"ANALYZE {', '.join(TABLES)}")
    return len(document_ids)


_TURN_ROWS_INSERT = (
    f"INSERT INTO {TURNS_TABLE}(id, words, long_words, speaker_words)"
    f" SELECT t.id, v.words, v.long_words, {WORDS_FUNCTION}(coalesce(t.speaker, ''))"
    " FROM unnest(%(ids)s::bigint[], %(bodies)s::text[], %(speakers)s::text[]) AS t(id, body, speaker)"
    f" CROSS JOIN {_indexed('t.body')}"
)
_TURN_TEXTS_INSERT = (
    f'INSERT INTO {TURN_TEXTS_TABLE}(id, document_id, start, "end", speaker, body)'
    " SELECT * FROM unnest(%(ids)s::bigint[], %(documents)s::bigint[], %(starts)s::integer[], %(ends)s::integer[],"
    " %(speakers)s::text[], %(bodies)s::text[])"
)


def create(connection: Any) -> None:
    """Make the index, its function and triggers, and index what the project already holds."""
    for statement in create_statements():
        connection.exec_driver_sql(statement)
    fill(connection)


def add_turn_texts(connection: Any) -> None:
    """Give an index made before `search_turn_texts` its turn texts (revision 0010): the table, the trigger
    functions that keep it, and a row for every turn. Nothing to do for an index that has it."""
    if connection.exec_driver_sql(f"SELECT to_regclass('{TURN_TEXTS_TABLE}')").scalar() is not None:
        return
    connection.exec_driver_sql(_TURN_TEXTS_CREATE)
    for statement in trigger_function_statements():
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(
        f'INSERT INTO {TURN_TEXTS_TABLE}(id, document_id, start, "end", speaker, body)'
        f' SELECT t.id, t.document_id, t.start, t."end", t.speaker, {_TURN_BODY.format(text="d.text", turn="t")}'
        " FROM turns t JOIN documents d ON d.id = t.document_id"
    )
    connection.exec_driver_sql(f"ANALYZE {TURN_TEXTS_TABLE}")
