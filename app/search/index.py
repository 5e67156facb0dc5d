"""Searching the project's FTS5 index (app/storage/search_index.py): exact totals, hits, match offsets.

Hits are speaker turns in the order of the transcripts (by document, then position), then memos. Totals are
exact (a count of the matching rows). Match offsets come from FTS5's `highlight()` over the indexed turn text,
which is the document text's slice, so a position in it plus the turn's start is a code-point offset into the
document: an emoji or an accent before a word does not shift it. A phrase across a line break is one span.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.errors import SearchError
from app.search import fts_query
from app.search.query_language import Node, parse, positive_leaves
from app.storage.search_index import MEMOS_TABLE, TURNS_TABLE

Span = tuple[int, int]
OPEN, CLOSE = "\x01", "\x02"  # highlight() marks; control characters never stored in a transcript
MEMO_KIND = "memo"

TURNS = fts_query.Target(
    fts_table=TURNS_TABLE,
    base="turns r",
    joins=(
        " JOIN documents d ON d.id = r.document_id LEFT JOIN dyads y ON y.id = d.dyad_id"
        " LEFT JOIN sessions s ON s.id = d.session_id"
    ),
    columns={"dyad": "y.name", "session": "s.number", "perspective": "d.perspective", "kind": "d.kind"},
)
MEMOS = fts_query.Target(
    fts_table=MEMOS_TABLE,
    base="memos r",
    joins=(
        " LEFT JOIN documents d ON d.id = r.document_id"
        " LEFT JOIN dyads y ON y.id = coalesce(r.dyad_id, d.dyad_id) LEFT JOIN sessions s ON s.id = d.session_id"
    ),
    columns={"dyad": "y.name", "session": "s.number", "perspective": "d.perspective", "kind": "'memo'"},
)
DYAD_ID = {TURNS_TABLE: "d.dyad_id", MEMOS_TABLE: "coalesce(r.dyad_id, d.dyad_id)"}


class SearchIndexDamaged(SearchError):
    def __init__(self) -> None:
        super().__init__(
            "The search index of this project is damaged: rebuild it (Search panel ▸ Rebuild index, or"
            " `rapport reindex PROJECT`); the transcripts themselves are not affected."
        )


@dataclass(frozen=True)
class Filters:
    """Restrictions on where to search (None: no restriction)."""

    dyad_ids: frozenset[int] | None = None
    sessions: frozenset[int] | None = None
    perspectives: frozenset[str] | None = None
    kinds: frozenset[str] | None = None  # document kinds and/or "memo"
    document_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class IndexHit:
    """A matching turn (or memo). `matches` are offsets into the document text (memo text for memos)."""

    record: str  # "turn" or "memo"
    document_id: int | None
    memo_id: int | None
    start: int  # the turn's range in the document (0, len(text) for a memo)
    end: int
    speaker: str | None
    perspective: str | None
    kind: str
    text: str  # the turn's (memo's) text
    matches: tuple[Span, ...]
    document: str = ""  # the document's name ("" for a memo on no document)

    @classmethod
    def of_memo(cls, memo_id, document_id, author, perspective, body: str, spans, document: str) -> IndexHit:
        """A matching memo: `spans` are offsets into its body (title, then text)."""
        return cls(MEMO_KIND, document_id, memo_id, 0, len(body), author, perspective, MEMO_KIND, body,
                   tuple(spans), document)  # fmt: skip

    @classmethod
    def of_turn(cls, document_id, start: int, end: int, speaker, perspective, kind, body: str, spans,
                document: str) -> IndexHit:  # fmt: skip
        """A matching turn: `spans` are offsets into its body, made offsets into the document here."""
        matches = tuple((start + s, start + e) for s, e in spans)
        return cls("turn", document_id, None, start, end, speaker, perspective, kind, body, matches, document)


@dataclass(frozen=True)
class IndexResults:
    total: int
    hits: list[IndexHit]


def search(session: Session, text: str, filters: Filters, limit: int | None) -> IndexResults:
    """Run the query in the session's transaction (raises SearchError when it is malformed or cannot be run)."""
    if session.get_bind().dialect.name == "postgresql":
        from app.search import server_index  # a server project: PostgreSQL full-text search

        return server_index.search(session, text, filters, limit)
    connection = session.connection().connection.driver_connection
    tree = parse(text)
    kinds = filters.kinds
    wants_turns = kinds is None or bool(kinds - {MEMO_KIND})
    wants_memos = (kinds is None or MEMO_KIND in kinds) and filters.document_ids is None
    try:
        total, hits = 0, []
        for target, wanted in ((TURNS, wants_turns), (MEMOS, wants_memos)):
            if not wanted:
                continue
            left = None if limit is None else max(0, limit - len(hits))
            found_total, found = _search_in(connection, tree, target, filters, left)
            total += found_total
            hits.extend(found)
        return IndexResults(total, hits)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower() and "corrupt" not in str(exc).lower():
            raise SearchError(f"The query {text!r} could not be run: {exc}") from None
        if "malformed" not in str(exc) and "corrupt" not in str(exc).lower():
            raise
        raise SearchIndexDamaged() from exc
    except sqlite3.DatabaseError as exc:  # SQLITE_CORRUPT from the index's tables
        raise SearchIndexDamaged() from exc


def filter_conditions(
    target: fts_query.Target, filters: Filters, mark: str = "?"
) -> tuple[list[str], list[object]]:
    """SQL conditions (with `mark` for each parameter) restricting the records to the filters."""
    conditions, params = [], []

    def one_of(expression: str, values) -> None:
        values = sorted(values, key=str)
        conditions.append(f"{expression} IN ({', '.join([mark] * len(values))})" if values else "1 = 0")
        params.extend(values)

    if filters.dyad_ids is not None:
        one_of(DYAD_ID[target.fts_table], filters.dyad_ids)
    if filters.sessions is not None:
        one_of("s.number", filters.sessions)
    if filters.perspectives is not None:
        one_of("d.perspective", filters.perspectives)
    if filters.kinds is not None and target is TURNS:
        one_of("d.kind", filters.kinds - {MEMO_KIND})
    if filters.document_ids is not None:
        one_of("r.document_id", filters.document_ids)
    return conditions, params


def _search_in(
    connection: sqlite3.Connection, tree: Node, target: fts_query.Target, filters: Filters, limit: int | None
) -> tuple[int, list[IndexHit]]:
    compiled = fts_query.compile_query(connection, tree, target)
    table = target.fts_table
    conditions, params = filter_conditions(target, filters)
    if compiled.fts is not None:
        # One MATCH, answered from the index; its highlight() marks exactly the positive words and phrases of
        # the text column (a row holds no negated one, and speaker words are in the other column).
        joins = target.joins if conditions else ""
        source = f"{table} JOIN {target.base} ON r.id = {table}.rowid{joins}"
        conditions.insert(0, f"{table} MATCH ?")
        params.insert(0, compiled.fts)
        # The marked text is the text: reading the body again would cost as much as the marks.
        body, marks = "NULL", f"highlight({table}, 0, '{OPEN}', '{CLOSE}')"
    else:
        source = f"{target.base} JOIN {table} ON {table}.rowid = r.id{target.joins}"
        conditions.insert(0, compiled.sql or "1")
        params[:0] = compiled.params
        body, marks = f"{table}.body", "NULL"
    where = " AND ".join(f"({condition})" for condition in conditions)
    if compiled.fts is not None and len(conditions) == 1:  # no filter: count in the index alone
        total = connection.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", params).fetchone()[
            0
        ]
    else:
        total = connection.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]
    if limit == 0 or not total:
        return total, []
    # In the order the records were written: transcripts as imported, turns in text order (the index's own
    # order, so the first hundred of ten thousand cost no sort).
    rows = connection.execute(
        f"SELECT {_select_columns(target)}, {body}, {marks} FROM {source} WHERE {where}"
        f" ORDER BY {table}.rowid" + ("" if limit is None else f" LIMIT {int(limit)}"),
        params,
    ).fetchall()
    if compiled.fts is not None:
        spans = {row[0]: _spans(row[-1]) for row in rows}
    else:
        spans = _highlights(connection, tree, target, [row[0] for row in rows])
    documents = _documents(connection, {row[1] for row in rows if row[1] is not None})
    return total, [_hit(target, row, spans.get(row[0], []), documents) for row in rows]


def _select_columns(target: fts_query.Target) -> str:
    if target is TURNS:
        return 'r.id, r.document_id, r.start, r."end", r.speaker'
    return "r.id, r.document_id, NULL, NULL, (SELECT name FROM coders WHERE id = r.author_id)"


def _hit(target: fts_query.Target, row: Sequence, spans: list[Span], documents: dict) -> IndexHit:
    ident, document_id, start, end, speaker, body, marked = row
    if body is None:
        body = (marked or "").replace(OPEN, "").replace(CLOSE, "")
    name, perspective, kind = documents.get(document_id, ("", None, "other"))
    if target is MEMOS:
        return IndexHit.of_memo(ident, document_id, speaker, perspective, body, spans, name)
    return IndexHit.of_turn(document_id, start, end, speaker, perspective, kind, body, spans, name)


def _documents(connection: sqlite3.Connection, ids: set[int]) -> dict[int, tuple[str, str | None, str]]:
    """{document id: (name, perspective, kind)}."""
    details: dict[int, tuple[str, str | None, str]] = {}
    ordered = sorted(ids)
    for first in range(0, len(ordered), 500):
        chunk = ordered[first : first + 500]
        rows = connection.execute(
            f"SELECT id, name, perspective, kind FROM documents WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        details.update((row[0], (row[1], row[2], row[3] or "other")) for row in rows)
    return details


def _highlights(
    connection: sqlite3.Connection, tree: Node, target: fts_query.Target, ids: list[int]
) -> dict[int, list[Span]]:
    """{rowid: merged spans of the positive words and phrases in its text}."""
    expression = fts_query.highlight_expression(connection, positive_leaves(tree), target)
    if expression is None or not ids:
        return {}
    table = target.fts_table
    found: dict[int, list[Span]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        rows = connection.execute(
            f"SELECT rowid, highlight({table}, 0, ?, ?) FROM {table}"
            f" WHERE {table} MATCH ? AND rowid IN ({', '.join('?' * len(chunk))})",
            [OPEN, CLOSE, expression, *chunk],
        )
        for rowid, marked in rows:
            found[rowid] = _spans(marked)
    return found


def _spans(marked: str | None) -> list[Span]:
    """Code-point spans of the marked runs, in the text without the marks (overlapping runs merged)."""
    spans: list[Span] = []
    if not marked:
        return spans
    found = marked.find(OPEN)
    removed = 0  # marks before the current position: they are not in the text
    while found != -1:
        closing = marked.find(CLOSE, found)
        if closing == -1:  # pragma: no cover - highlight() always closes what it opens
            break
        start, end = found - removed, closing - removed - 1
        removed += 2
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
        found = marked.find(OPEN, closing)
    return spans
