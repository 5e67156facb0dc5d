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


def search(session: Session, text: str, filters: Filters, limit: int | None) -> IndexResults:
    """Every statement of the search goes in one pipeline: one round trip to the server, whatever the query."""
    connection = session.connection().connection.driver_connection
    tree = parse(text)
    kinds = filters.kinds
    wants_turns = kinds is None or bool(kinds - {MEMO_KIND})
    wants_memos = (kinds is None or MEMO_KIND in kinds) and filters.document_ids is None
    targets = [target for target, wanted in ((TURNS, wants_turns), (MEMOS, wants_memos)) if wanted]
    try:
        plans = [_Plan(connection, tree, target, filters, limit) for target in targets]
        with connection.pipeline():
            for plan in plans:
                plan.send()
        total, hits = 0, []
        for plan in plans:
            found_total, found = plan.results()
            total += found_total
            hits.extend(found if limit is None else found[: max(0, limit - len(hits))])
    except psycopg.errors.DataError as exc:  # a tsquery PostgreSQL cannot take (should not happen)
        raise SearchError(f"The query {text!r} could not be run: {exc}") from None
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as exc:  # dropped by hand
        raise SearchIndexDamaged() from exc
    return IndexResults(total, hits)


class _Plan:
    """One statement for one target (turns or memos): its matching ids are found once (one scan of the index)
    and give both the exact total and the first `limit` hits, each turn hit carrying its document's text on the
    first of its rows (a document's text is read and sent once)."""

    def __init__(self, connection: Any, tree: Node, target, filters: Filters, limit: int | None) -> None:
        self.connection = connection
        self.target = target
        table = target.fts_table  # the server's index tables have the FTS5 tables' names
        self.compiler = Compiler(
            connection, table, target.columns
        )  # expands wildcards now, before the pipeline
        self.marker = Marker(tree, self.compiler)
        compiled = self.compiler.compile(tree)
        condition, params = compiled.as_sql("w")
        conditions, filter_params = filter_conditions(target, filters, "%s")
        self.params = params + filter_params
        source = f"{table} w JOIN {target.base} ON r.id = w.id{target.joins}"
        where = " AND ".join(f"({part})" for part in (condition, *conditions))
        lean = not compiled.study and not conditions  # the index alone finds them
        found = f"SELECT w.id FROM {f'{table} w' if lean else source} WHERE {where}"
        self.with_hits = limit != 0
        self.cursor: Any = None
        if not self.with_hits:
            self.statement = f"SELECT count(*) FROM ({found}) found"
            return
        page = "SELECT id FROM found ORDER BY id" + ("" if limit is None else f" LIMIT {int(limit)}")
        text = (
            "CASE WHEN row_number() OVER (PARTITION BY r.document_id ORDER BY r.id) = 1 THEN d.text END"
            if target is TURNS
            else "NULL"
        )
        self.statement = (
            f"WITH found AS MATERIALIZED ({found}) SELECT (SELECT count(*) FROM found),"
            f" {_select_columns(target)}, d.name, d.perspective, d.kind, {text}"
            f" FROM ({page}) p JOIN {target.base} ON r.id = p.id{target.joins} ORDER BY r.id"
        )

    def send(self) -> None:
        self.cursor = self.connection.cursor()
        self.cursor.execute(self.statement, self.params)

    def results(self) -> tuple[int, list[IndexHit]]:
        with self.cursor as cursor:
            if not self.with_hits:
                return cursor.fetchone()[0], []
            rows = cursor.fetchall()
        if not rows:
            return 0, []
        texts = {row[2]: row[-1] for row in rows if row[-1] is not None}
        return rows[0][0], _hits(self.target, [row[1:-1] for row in rows], self.marker, texts)


def _select_columns(target) -> str:
    if target is TURNS:
        return 'r.id, r.document_id, r.start, r."end", r.speaker, NULL, NULL'
    return (
        "r.id, r.document_id, NULL, NULL, (SELECT name FROM coders WHERE id = r.author_id), r.title, r.text"
    )


def _memo_body(title: str | None, text: str | None) -> str:
    if not title:
        return text or ""
    if not text:
        return title
    return f"{title}\n{text}"


def _hits(target, rows: list[Sequence], marker: Marker, texts: dict[int, str]) -> list[IndexHit]:
    """The hits of the rows (id, document, start, end, speaker or author, memo title and text, document name,
    perspective, kind), their words marked all at once."""
    if target is MEMOS:
        bodies = [_memo_body(row[5], row[6]) for row in rows]
    else:
        bodies = [texts[row[1]][row[2] : row[3]] for row in rows]
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
