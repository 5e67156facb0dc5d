"""The full-text index inside the project: two SQLite FTS5 tables kept current by triggers.

`search_turns` holds one row a speaker turn (rowid = turns.id): `body`, the turn's text exactly as stored (the
slice of its document's text; SQLite's substr() counts code points, as Python does), and `speaker`.
`search_memos` holds one row a memo (rowid = memos.id): its title and text on separate lines, and its author.

Triggers on turns, documents, memos and coders write the index in the same statement, hence the same
transaction, as the text it indexes: an import, a correction, a split, a merge, an undo, a team merge or a
REFI-QDA import is searchable the moment it commits, whatever service wrote it. There is nothing to sync and no
cache folder; `rebuild` exists only for a damaged file.

Tokenizer: unicode61 with remove_diacritics 2 (`cafe` finds `café`, case-insensitive), no stemming. unicode61
takes symbols for letters, so `thanks🙂` would be one word that `thanks` never finds: every non-ASCII symbol
(emoji, arrows, currency, skin tones, format characters) is named a separator, as whoosh's analyzer had it.
Migration 0008_search_fts5 creates all this with `create_statements()` and fills it with `fill()`.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from app.storage import server_search_index

TURNS_TABLE = "search_turns"
MEMOS_TABLE = "search_memos"
BASE_TOKENIZER = "unicode61 remove_diacritics 2"
SEPARATOR_CATEGORIES = ("So", "Sk", "Sm", "Sc", "Cf")
JOINERS = ("\u200c", "\u200d")  # inside words of Persian and Indic scripts: never separators
# FTS5 keeps each table's data in shadow tables named after it; the models know none of them.
SHADOW_SUFFIXES = ("", "_data", "_idx", "_content", "_docsize", "_config")

_TURN_BODY = 'substr({text}, {turn}.start + 1, {turn}."end" - {turn}.start)'
_MEMO_BODY = (
    "CASE WHEN coalesce({m}.title, '') = '' THEN coalesce({m}.text, '')"
    " WHEN coalesce({m}.text, '') = '' THEN {m}.title"
    " ELSE {m}.title || char(10) || {m}.text END"
)
_MEMO_AUTHOR = "coalesce((SELECT name FROM coders WHERE id = {m}.author_id), '')"


def is_index_table(name: str | None) -> bool:
    """True for the index's tables and FTS5's shadow tables, and the server index's tables of turn texts and of
    terms (none described by the models)."""
    if not name:
        return False
    if name in server_search_index.TABLES:
        return True
    return any(name == table + suffix for table in (TURNS_TABLE, MEMOS_TABLE) for suffix in SHADOW_SUFFIXES)


@functools.cache
def symbol_separators() -> str:
    """Every non-ASCII symbol and format character (and the emoji variation selectors), in code point order."""
    planes = (range(0x80, 0x30000), range(0xE0000, 0xE1000))
    return "".join(
        char
        for plane in planes
        for char in map(chr, plane)
        if not 0xD800 <= ord(char) <= 0xDFFF
        and char not in JOINERS
        and (unicodedata.category(char) in SEPARATOR_CATEGORIES or 0xFE00 <= ord(char) <= 0xFE0F)
    )


def tokenizer() -> str:
    return f"{BASE_TOKENIZER} separators '{symbol_separators()}'"


def table_statements() -> list[str]:
    tokenize = tokenizer().replace('"', '""')
    return [
        f'CREATE VIRTUAL TABLE {TURNS_TABLE} USING fts5(body, speaker, tokenize="{tokenize}")',
        f'CREATE VIRTUAL TABLE {MEMOS_TABLE} USING fts5(body, speaker, tokenize="{tokenize}")',
    ]


def _insert_turn(turn: str) -> str:
    body = _TURN_BODY.format(text="d.text", turn=turn)
    return (
        f"INSERT INTO {TURNS_TABLE}(rowid, body, speaker) SELECT {turn}.id, {body}, coalesce({turn}.speaker, '')"
        f" FROM documents d WHERE d.id = {turn}.document_id;"
    )


def _insert_memo(memo: str) -> str:
    return (
        f"INSERT INTO {MEMOS_TABLE}(rowid, body, speaker) VALUES"
        f" ({memo}.id, {_MEMO_BODY.format(m=memo)}, {_MEMO_AUTHOR.format(m=memo)});"
    )


def trigger_statements() -> list[str]:
    turns_of = f"DELETE FROM {TURNS_TABLE} WHERE rowid IN (SELECT id FROM turns WHERE document_id = old.id);"
    new_text_body = _TURN_BODY.format(text="new.text", turn="t")
    return [
        f"CREATE TRIGGER search_turn_added AFTER INSERT ON turns BEGIN {_insert_turn('new')} END",
        f"CREATE TRIGGER search_turn_removed AFTER DELETE ON turns BEGIN"
        f" DELETE FROM {TURNS_TABLE} WHERE rowid = old.id; END",
        f'CREATE TRIGGER search_turn_changed AFTER UPDATE OF id, document_id, start, "end", speaker ON turns BEGIN'
        f" DELETE FROM {TURNS_TABLE} WHERE rowid = old.id; {_insert_turn('new')} END",
        f"CREATE TRIGGER search_text_changed AFTER UPDATE OF text ON documents BEGIN {turns_of}"
        f" INSERT INTO {TURNS_TABLE}(rowid, body, speaker)"
        f" SELECT t.id, {new_text_body}, coalesce(t.speaker, '') FROM turns t WHERE t.document_id = new.id; END",
        # Turns go with their document (a cascade); this covers a delete with foreign keys switched off too.
        f"CREATE TRIGGER search_document_removed BEFORE DELETE ON documents BEGIN {turns_of} END",
        f"CREATE TRIGGER search_memo_added AFTER INSERT ON memos BEGIN {_insert_memo('new')} END",
        f"CREATE TRIGGER search_memo_removed AFTER DELETE ON memos BEGIN"
        f" DELETE FROM {MEMOS_TABLE} WHERE rowid = old.id; END",
        f"CREATE TRIGGER search_memo_changed AFTER UPDATE OF id, title, text, author_id ON memos BEGIN"
        f" DELETE FROM {MEMOS_TABLE} WHERE rowid = old.id; {_insert_memo('new')} END",
        f"CREATE TRIGGER search_author_renamed AFTER UPDATE OF name ON coders BEGIN"
        f" UPDATE {MEMOS_TABLE} SET speaker = new.name"
        f" WHERE rowid IN (SELECT id FROM memos WHERE author_id = new.id); END",
    ]


def create_statements() -> list[str]:
    return [*table_statements(), *trigger_statements()]


def drop_statements() -> list[str]:
    triggers = [statement.split()[2] for statement in trigger_statements()]
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in triggers),
        f"DROP TABLE IF EXISTS {TURNS_TABLE}",
        f"DROP TABLE IF EXISTS {MEMOS_TABLE}",
    ]


def fill_turns_statement(document_ids: Sequence[int] | None = None) -> str:
    where = (
        ""
        if document_ids is None
        else f" WHERE t.document_id IN ({','.join(str(int(i)) for i in document_ids)})"
    )
    body = _TURN_BODY.format(text="d.text", turn="t")
    return (
        f"INSERT INTO {TURNS_TABLE}(rowid, body, speaker) SELECT t.id, {body}, coalesce(t.speaker, '')"
        f" FROM turns t JOIN documents d ON d.id = t.document_id{where}"
    )


def fill_memos_statement() -> str:
    return (
        f"INSERT INTO {MEMOS_TABLE}(rowid, body, speaker)"
        f" SELECT m.id, {_MEMO_BODY.format(m='m')}, {_MEMO_AUTHOR.format(m='m')} FROM memos m"
    )


def fill(
    connection: Any,
    document_ids: Sequence[int],
    progress: Callable[[int, int], None] | None = None,
    batch: int = 20,
) -> None:
    """Index every turn of these documents (telling `progress(done, total)` a batch at a time) and every memo.

    `connection` is an SQLAlchemy Connection. The turn texts are cut in Python from each document's text read
    once: SQLite's substr() walks the UTF-8 text from its start for every turn, five times slower on a study.
    """
    for first in range(0, len(document_ids), batch):
        chunk = [int(ident) for ident in document_ids[first : first + batch]]
        marks = ",".join("?" * len(chunk))
        texts = {
            row[0]: row[1]
            for row in connection.exec_driver_sql(
                f"SELECT id, text FROM documents WHERE id IN ({marks})", tuple(chunk)
            )
        }
        rows = [
            (ident, texts[document][start:end], speaker or "")
            for ident, document, start, end, speaker in connection.exec_driver_sql(
                f'SELECT id, document_id, start, "end", speaker FROM turns WHERE document_id IN ({marks})',
                tuple(chunk),
            )
        ]
        if rows:
            connection.exec_driver_sql(
                f"INSERT INTO {TURNS_TABLE}(rowid, body, speaker) VALUES (?, ?, ?)", rows
            )
        if progress is not None:
            progress(first + len(chunk), len(document_ids))
    connection.exec_driver_sql(fill_memos_statement())
