"""Searching a server project's index (app/storage/server_search_index.py): the same totals, hits and offsets.

The PostgreSQL counterpart of index.py, returning the same IndexResults. Hits are turns by id (the order they
were written, as the file project's index keeps them), then memos. Totals are exact counts. PostgreSQL's
ts_headline counts bytes and words its own way, so match offsets are found in Python (hit_marks.py), exactly
where FTS5's highlight() puts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy.orm import Session

from app.domain.errors import SearchError
from app.search.hit_marks import Marker
from app.search.index import (
    MEMO_KIND,
    MEMOS,
    TURNS,
    Filters,
    IndexHit,
    IndexResults,
    SearchIndexDamaged,
    filter_conditions,
)
from app.search.query_language import Node, parse
from app.search.tsquery import Compiler
from app.storage.server_search_index import TURN_TEXTS_TABLE


def search(session: Session, text: str, filters: Filters, limit: int | None) -> IndexResults:
    """One statement for turns and memos: one round trip to the server (its BEGIN, when the search runs in a
    transaction, goes in the same pipeline)."""
    connection = session.connection().connection.driver_connection
    tree = parse(text)
    kinds = filters.kinds
    wants_turns = kinds is None or bool(kinds - {MEMO_KIND})
    wants_memos = (kinds is None or MEMO_KIND in kinds) and filters.document_ids is None
    targets = [target for target, wanted in ((TURNS, wants_turns), (MEMOS, wants_memos)) if wanted]
    if not targets:  # memos asked for within chosen documents: memos are not in documents
        return IndexResults(0, [])
    try:
        parts = [_Part(connection, tree, target, filters, index) for index, target in enumerate(targets)]
        with connection.pipeline():
            cursor = connection.cursor()
            cursor.execute(_statement(parts, limit), [value for part in parts for value in part.params])
        with cursor:
            rows = cursor.fetchall()
    except psycopg.errors.DataError as exc:  # a tsquery PostgreSQL cannot take (should not happen)
        raise SearchError(f"The query {text!r} could not be run: {exc}") from None
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as exc:  # dropped by hand
        raise SearchIndexDamaged() from exc
    if limit == 0:
        return IndexResults(sum(rows[0]), [])
    total, hits = 0, []
    for part in parts:
        own = [row for row in rows if row[0] == part.index]  # (part, total, the hit's columns)
        if not own:
            continue
        total += own[0][1]
        found = _hits(part.target, [row[2:] for row in own], part.marker)
        hits.extend(found if limit is None else found[: max(0, limit - len(hits))])
    return IndexResults(total, hits)


class _Part:
    """What one target (turns or memos) adds to the statement: the query's condition and its parameters, the
    filters, and the marker of its hits' words (wildcards are expanded here, before the statement is sent)."""

    def __init__(self, connection: Any, tree: Node, target, filters: Filters, index: int) -> None:
        self.target = target
        self.index = index
        table = target.fts_table  # the server's index tables have the FTS5 tables' names
        compiler = Compiler(connection, table, target.columns)
        self.marker = Marker(tree, compiler)
        compiled = compiler.compile(tree)
        condition, params = compiled.as_sql("w")
        conditions, filter_params = filter_conditions(target, filters, "%s")
        self.params = params + filter_params
        where = " AND ".join(f"({part})" for part in (condition, *conditions))
        lean = not compiled.study and not conditions  # the index alone finds them
        source = f"{table} w" if lean else f"{table} w JOIN {target.base} ON r.id = w.id{target.joins}"
        self.matches = f"FROM {source} WHERE {where}"


def _statement(parts: list[_Part], limit: int | None) -> str:
    """The totals alone (`limit` 0), or each part's total and first `limit` hits.

    One pass over a part's matches gives their count and the ids of its first hits (no list of every match is
    kept between two steps); each hit's row, and its document's, are then read by their keys."""
    if limit == 0:
        return "SELECT " + ", ".join(f"(SELECT count(*) {part.matches})" for part in parts)
    first = "" if limit is None else f"[1:{int(limit)}]"
    found = ", ".join(
        f"found_{part.index} AS MATERIALIZED (SELECT count(*) AS total,"
        f" (array_agg(w.id ORDER BY w.id)){first} AS ids {part.matches})"
        for part in parts
    )
    hits = " UNION ALL ".join(
        f"SELECT {part.index} AS part, f.total, {_HIT_COLUMNS[part.target is TURNS]}"
        f" FROM found_{part.index} f CROSS JOIN LATERAL unnest(f.ids) AS p(id) {_HIT_ROWS[part.target is TURNS]}"
        for part in parts
    )
    return (
        f"WITH {found} SELECT * FROM ({hits}) h LEFT JOIN LATERAL"
        " (SELECT d.name, d.perspective, d.kind FROM documents d WHERE d.id = h.document_id) d ON true"
        " ORDER BY h.part, h.id"
    )


# (part, total,) id, document, start, end, speaker or author, memo title, memo or turn text. A turn's hit is
# one row of the index's search_turn_texts; a memo's, its row of memos.
_HIT_COLUMNS = {
    True: 'p.id, t.document_id, t.start, t."end", t.speaker, NULL, t.body',
    False: "p.id, r.document_id, NULL, NULL, (SELECT name FROM coders WHERE id = r.author_id), r.title, r.text",
}
_HIT_ROWS = {
    True: f"LEFT JOIN {TURN_TEXTS_TABLE} t ON t.id = p.id",
    False: "JOIN memos r ON r.id = p.id",
}


def _memo_body(title: str | None, text: str | None) -> str:
    if not title:
        return text or ""
    if not text:
        return title
    return f"{title}\n{text}"


def _hits(target, rows: list[Sequence], marker: Marker) -> list[IndexHit]:
    """The hits of the rows (id, document, start, end, speaker or author, memo title, memo or turn text, document
    name, perspective, kind), their words marked all at once."""
    if target is TURNS and any(row[6] is None for row in rows):  # a turn without its text: rows lost by hand
        raise SearchIndexDamaged()
    bodies = [_memo_body(row[5], row[6]) if target is MEMOS else row[6] for row in rows]
    marked = marker.marks_all(bodies, [row[4] for row in rows])
    hits = []
    for row, body, spans in zip(rows, bodies, marked, strict=True):
        ident, document_id, start, end, speaker, _, _, name, perspective, kind = row
        if target is MEMOS:
            hit = IndexHit.of_memo(ident, document_id, speaker, perspective, body, spans, name or "")
        else:
            hit = IndexHit.of_turn(
                document_id, start, end, speaker, perspective, kind or "other", body, spans, name
            )
        hits.append(hit)
    return hits
