"""The full-text index of a server project: a `simple` tsvector per turn and per memo, kept current by triggers.

The PostgreSQL counterpart of the file project's FTS5 tables (search_index.py), with the same names so that the
schema comparison ignores both. `search_turns` holds one row a speaker turn (id = turns.id): `words`, the
tsvector of the turn's text (the slice of its document's text), and `speaker_words`, the speaker's. `search_memos`
holds one row a memo (id = memos.id): its title and text on separate lines, and its author's name. GIN indexes
answer the queries (tsquery.py).

Words are split and folded by `rapport_search_words(text)`, a SQL function made from FTS5's own rules
(app/search/fts5_words.py) rather than PostgreSQL's parser, so a server project counts exactly the hits a file
project counts: `café` and `CAFE` are one word, `don't` is two, `1.5` is two. Row triggers on turns, documents,
memos and coders write the index in the same transaction as the text. Limits of tsvector, not of FTS5: a word of
2 KB or more is not indexed, and a phrase is found only among a turn's first 16,383 words and the first 256
times a word occurs in the turn.

Revision 0008_search_fts5 runs `create(connection)` on PostgreSQL; `drop_statements()` undoes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.search import fts5_words

TURNS_TABLE = "search_turns"
MEMOS_TABLE = "search_memos"
WORDS_FUNCTION = "rapport_search_words"
LONGEST_WORD_BYTES = 2046  # tsvector refuses a lexeme of 2 KB
LAST_POSITION = 16383  # tsvector keeps positions up to this

_TURN_BODY = 'substr({text}, {turn}.start + 1, {turn}."end" - {turn}.start)'
_MEMO_BODY = (
    "CASE WHEN coalesce({m}.title, '') = '' THEN coalesce({m}.text, '')"
    " WHEN coalesce({m}.text, '') = '' THEN {m}.title"
    " ELSE {m}.title || chr(10) || {m}.text END"
)
_MEMO_AUTHOR = "coalesce((SELECT name FROM coders WHERE id = {m}.author_id), '')"
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


def words_function() -> str:
    """`rapport_search_words(text) -> tsvector`: FTS5's words, numbered from 1 as FTS5 numbers them from 0.

    A word is a run of non-separators; ASCII words are lowered with the C collation (exactly A-Z -> a-z), the
    others folded by translate() (which drops the characters past the end of its third argument).
    """
    fold_from, fold_to = fts5_words.postgres_fold_arguments()
    pattern = fts5_words.word_pattern()
    return f"""
CREATE OR REPLACE FUNCTION {WORDS_FUNCTION}(body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $words$
SELECT coalesce(string_agg(
    '''' || replace(replace(word, '\\', '\\\\'), '''', '''''') || ''':' || least(position, {LAST_POSITION}),
    ' '), '')::tsvector
FROM (
    SELECT word, row_number() OVER (ORDER BY n) AS position FROM (
        SELECT CASE WHEN octet_length(m[1]) = length(m[1]) THEN lower(m[1] COLLATE "C")
                    ELSE translate(m[1], {_literal(fold_from)}, {_literal(fold_to)}) END AS word, n
        FROM regexp_matches(body, {_literal(pattern)}, 'g') WITH ORDINALITY AS found(m, n)
    ) folded WHERE word <> ''
) numbered
WHERE octet_length(word) <= {LONGEST_WORD_BYTES}
$words$"""


def _turn_row(turn: str, text: str) -> str:
    body = _TURN_BODY.format(text=text, turn=turn)
    return f"{WORDS_FUNCTION}({body}), {WORDS_FUNCTION}(coalesce({turn}.speaker, ''))"


def _memo_row(memo: str) -> str:
    return f"{WORDS_FUNCTION}({_MEMO_BODY.format(m=memo)}), {WORDS_FUNCTION}({_MEMO_AUTHOR.format(m=memo)})"


def trigger_function_statements() -> list[str]:
    def function(name: str, body: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$"
            f" BEGIN {body} RETURN NULL; END $body$"
        )

    turn_upsert = (
        f"INSERT INTO {TURNS_TABLE}(id, words, speaker_words) SELECT NEW.id, {_turn_row('NEW', 'd.text')}"
        f" FROM documents d WHERE d.id = NEW.document_id"
        f" ON CONFLICT (id) DO UPDATE SET words = excluded.words, speaker_words = excluded.speaker_words;"
    )
    memo_upsert = (
        f"INSERT INTO {MEMOS_TABLE}(id, words, speaker_words) SELECT NEW.id, {_memo_row('NEW')}"
        f" ON CONFLICT (id) DO UPDATE SET words = excluded.words, speaker_words = excluded.speaker_words;"
    )
    return [
        function(
            "search_turn_changed",
            f"IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN DELETE FROM {TURNS_TABLE} WHERE id = OLD.id;"
            f" END IF; {turn_upsert}",
        ),
        function("search_turn_removed", f"DELETE FROM {TURNS_TABLE} WHERE id = OLD.id;"),
        function(
            "search_text_changed",
            f"UPDATE {TURNS_TABLE} s SET words = {WORDS_FUNCTION}({_TURN_BODY.format(text='NEW.text', turn='t')})"
            f" FROM turns t WHERE t.document_id = NEW.id AND s.id = t.id;",
        ),
        function(
            "search_memo_changed",
            f"IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN DELETE FROM {MEMOS_TABLE} WHERE id = OLD.id;"
            f" END IF; {memo_upsert}",
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
        f"CREATE TABLE {table} (id bigint PRIMARY KEY, words tsvector NOT NULL, speaker_words tsvector NOT NULL)"
        for table in (TURNS_TABLE, MEMOS_TABLE)
    ] + [
        f"CREATE INDEX {table}_{column}_gin ON {table} USING gin ({column})"
        for table in (TURNS_TABLE, MEMOS_TABLE)
        for column in ("words", "speaker_words")
    ]


def trigger_statements() -> list[str]:
    return [
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
        for name, table, when in TRIGGERS
    ]


def create_statements() -> list[str]:
    return [words_function(), *table_statements(), *trigger_function_statements(), *trigger_statements()]


def drop_statements() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _ in TRIGGERS),
        *(f"DROP FUNCTION IF EXISTS {name}()" for name, _, _ in TRIGGERS),
        f"DROP TABLE IF EXISTS {TURNS_TABLE}",
        f"DROP TABLE IF EXISTS {MEMOS_TABLE}",
        f"DROP FUNCTION IF EXISTS {WORDS_FUNCTION}(text)",
    ]


def fill(connection: Any, progress: Callable[[int, int], None] | None = None, batch: int = 20) -> int:
    """Index every turn (a batch of documents at a time, telling `progress(done, total)`) and every memo.

    `connection` is an SQLAlchemy Connection in a transaction; returns the number of documents."""
    document_ids = [row[0] for row in connection.exec_driver_sql("SELECT id FROM documents ORDER BY id")]
    for first in range(0, len(document_ids), batch):
        chunk = document_ids[first : first + batch]
        connection.exec_driver_sql(
            f"INSERT INTO {TURNS_TABLE}(id, words, speaker_words) SELECT t.id, {_turn_row('t', 'd.text')}"
            f" FROM turns t JOIN documents d ON d.id = t.document_id"
            f" WHERE t.document_id = ANY(%(ids)s)",
            {"ids": chunk},
        )
        if progress is not None:
            progress(first + len(chunk), len(document_ids))
    connection.exec_driver_sql(
        f"INSERT INTO {MEMOS_TABLE}(id, words, speaker_words) SELECT m.id, {_memo_row('m')} FROM memos m"
    )
    # Fresh statistics, or the planner guesses how many turns a word is in (a coder who does not own the
    # tables gets a warning, not an error, and autovacuum does it later).
    connection.exec_driver_sql(f"ANALYZE {TURNS_TABLE}, {MEMOS_TABLE}")
    return len(document_ids)


def create(connection: Any) -> None:
    """Make the index, its function and triggers, and index what the project already holds."""
    for statement in create_statements():
        connection.exec_driver_sql(statement)
    fill(connection)
