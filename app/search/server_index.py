"""Searching a server project's index (app/storage/server_search_index.py): the same totals, hits and offsets.

The PostgreSQL counterpart of index.py, returning the same IndexResults. Hits are turns by id (the order they
were written, as the file project's index keeps them), then memos. Totals are exact counts. PostgreSQL's
ts_headline counts bytes and words its own way, so match offsets are found in Python (hit_marks.py), exactly
where FTS5's highlight() puts them.

The first hits of most queries in the words of turns (words, prefixes, phrases, speakers, AND, NOT, OR) are
found in the table of terms (server_terms.py), in turn order, without collecting every match; the GIN index of the
turns' tsvectors (tsquery.py) counts what the table cannot, and answers queries on study fields and filters, and
a search for all hits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy.orm import Session

from app.domain.errors import SearchError
from app.search import server_terms
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
    """The totals and first hits of turns and memos. One statement gives them all, in one round trip to the server
    (its BEGIN, when the search runs in a transaction, goes in the same pipeline), unless the table of terms finds
    the first hits in order: then their statement comes first, and the server counts the turns in a second one
    while the hits' words are marked here."""
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
        if limit == 0:
            return IndexResults(sum(_one_row(connection, *_totals(parts))), [])
        in_order = limit is not None and any(part.lookup is not None for part in parts)
        with connection.pipeline():
            cursor = connection.cursor()
            cursor.execute(*_statement(parts, limit))
            if in_order:
                rows = cursor.fetchall()
                counting = connection.cursor()
                counting.execute(*_totals([part for part in parts if part.lookup is not None]))
                results = _results(parts, rows, limit)
                return IndexResults(results.total + sum(counting.fetchone()), results.hits)
        with cursor:
            return _results(parts, cursor.fetchall(), limit)
    except psycopg.errors.DataError as exc:  # a tsquery PostgreSQL cannot take (should not happen)
        raise SearchError(f"The query {text!r} could not be run: {exc}") from None
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as exc:  # dropped by hand
        raise SearchIndexDamaged() from exc


def _one_row(connection: Any, statement: str, params: list[object]) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def _results(parts: list[_Part], rows: list[tuple], limit: int | None) -> IndexResults:
    """The hits of the statement's rows (part, total, the hit's columns), at most `limit`, and their parts'
    totals (a part whose total is counted apart has NULL)."""
    total, hits = 0, []
    for part in parts:
        own = [row for row in rows if row[0] == part.index]
        if not own:
            continue
        total += own[0][1] or 0
        found = _hits(part.target, [row[2:] for row in own], part.marker)
        hits.extend(found if limit is None else found[: max(0, limit - len(hits))])
    return IndexResults(total, hits)


class _Part:
    """What one target (turns or memos) adds to the statements: the query's condition and its parameters, the
    filters, the marker of its hits' words (wildcards are expanded here, before a statement is sent), and for
    turns the query's terms when the table of terms can find them (server_terms.py)."""

    def __init__(self, connection: Any, tree: Node, target, filters: Filters, index: int) -> None:
        self.target = target
        self.index = index
        self.table = table = target.fts_table  # the server's index tables have the FTS5 tables' names
        compiler = Compiler(connection, table, target.columns)
        self.marker = Marker(tree, compiler)
        compiled = compiler.compile(tree)
        self.condition, self.condition_params = compiled.as_sql("w")
        conditions, filter_params = filter_conditions(target, filters, "%s")
        self.params = self.condition_params + filter_params
        where = " AND ".join(f"({part})" for part in (self.condition, *conditions))
        lean = not compiled.study and not conditions  # the index alone finds them
        source = f"{table} w" if lean else f"{table} w JOIN {target.base} ON r.id = w.id{target.joins}"
        self.matches = f"FROM {source} WHERE {where}"
        self.lookup = server_terms.first_hits(tree, compiler) if lean and target is TURNS else None

    def found(self, limit: int | None) -> tuple[str, list[object]]:
        """SELECT of (total, ids): the count of the matches and the ids of the first `limit` of them, in one pass
        over them; or, from the table of terms, NULL and the first ids, checked against the whole query when the
        terms alone may hold more than its hits."""
        if self.lookup is None or limit is None:
            first = "" if limit is None else f"[1:{int(limit)}]"
            found = f"SELECT count(*) AS total, (array_agg(w.id ORDER BY w.id)){first} AS ids {self.matches}"
            return found, self.params
        first, params = self.lookup.first(limit, self.condition, self.condition_params)
        return f"SELECT NULL::bigint AS total, ARRAY({first}) AS ids", params

    def total(self) -> tuple[str, list[object]]:
        """SELECT of the count of the matches."""
        counted = self.lookup.count() if self.lookup is not None else None
        return counted or (f"SELECT count(*) {self.matches}", self.params)


def _totals(parts: list[_Part]) -> tuple[str, list[object]]:
    """One row: each part's count of matches."""
    totals = [part.total() for part in parts]
    return "SELECT " + ", ".join(f"({sql})" for sql, _ in totals), [
        value for _, params in totals for value in params
    ]


def _statement(parts: list[_Part], limit: int | None) -> tuple[str, list[object]]:
    """Each part's total (or NULL) and its first `limit` hits (all of them for None), and its parameters.

    One pass over a part's matches gives their count and the ids of its first hits (no list of every match is
    kept between two steps); each hit's row, and its document's, are then read by their keys."""
    found = [part.found(limit) for part in parts]
    ctes = ", ".join(f"found_{part.index} AS MATERIALIZED ({sql})" for part, (sql, _) in zip(parts, found))
    hits = " UNION ALL ".join(
        f"SELECT {part.index} AS part, f.total, {_HIT_COLUMNS[part.target is TURNS]}"
        f" FROM found_{part.index} f CROSS JOIN LATERAL unnest(f.ids) AS p(id) {_HIT_ROWS[part.target is TURNS]}"
        for part in parts
    )
    statement = (
        f"WITH {ctes} SELECT * FROM ({hits}) h LEFT JOIN LATERAL"
        " (SELECT d.name, d.perspective, d.kind FROM documents d WHERE d.id = h.document_id) d ON true"
        " ORDER BY h.part, h.id"
    )
    return statement, [value for _, params in found for value in params]


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
