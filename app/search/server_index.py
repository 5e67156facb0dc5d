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
    connection = session.connection().connection.driver_connection
    tree = parse(text)
    kinds = filters.kinds
    wants_turns = kinds is None or bool(kinds - {MEMO_KIND})
    wants_memos = (kinds is None or MEMO_KIND in kinds) and filters.document_ids is None
    total, hits = 0, []
    try:
        for target, wanted in ((TURNS, wants_turns), (MEMOS, wants_memos)):
            if not wanted:
                continue
            left = None if limit is None else max(0, limit - len(hits))
            found_total, found = _search_in(connection, tree, target, filters, left)
            total += found_total
            hits.extend(found)
    except psycopg.errors.DataError as exc:  # a tsquery PostgreSQL cannot take (should not happen)
        raise SearchError(f"The query {text!r} could not be run: {exc}") from None
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as exc:  # dropped by hand
        raise SearchIndexDamaged() from exc
    return IndexResults(total, hits)


def _search_in(
    connection: Any, tree: Node, target, filters: Filters, limit: int | None
) -> tuple[int, list[IndexHit]]:
    """The total (counted by the GIN index alone when nothing else restricts it) and the first `limit` hits."""
    table = target.fts_table  # the server's index tables have the FTS5 tables' names
    compiler = Compiler(connection, table, target.columns)
    compiled = compiler.compile(tree)
    condition, params = compiled.as_sql("w")
    conditions, filter_params = filter_conditions(target, filters, "%s")
    source = f"{table} w JOIN {target.base} ON r.id = w.id{target.joins}"
    where = " AND ".join(f"({part})" for part in (condition, *conditions))
    lean = not compiled.study and not conditions  # the index alone can count it
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {f'{table} w' if lean else source} WHERE {where}", params + filter_params
        )
        total = cursor.fetchone()[0]
        if limit == 0 or not total:
            return total, []
        cursor.execute(
            f"SELECT {_select_columns(target)}, d.name, d.perspective, d.kind"
            f" FROM {source} WHERE {where} ORDER BY r.id" + ("" if limit is None else f" LIMIT {int(limit)}"),
            params + filter_params,
        )
        rows = cursor.fetchall()
    marker = Marker(tree, compiler)
    texts = _texts(connection, {row[1] for row in rows}) if target is TURNS else {}
    return total, [_hit(target, row, marker, texts) for row in rows]


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


def _hit(target, row: Sequence, marker: Marker, texts: dict[int, str]) -> IndexHit:
    ident, document_id, start, end, speaker, title, memo_text, name, perspective, kind = row
    if target is MEMOS:
        body = _memo_body(title, memo_text)
        spans = tuple(marker.marks(body, speaker))
        return IndexHit(
            MEMO_KIND,
            document_id,
            ident,
            0,
            len(body),
            speaker,
            perspective,
            MEMO_KIND,
            body,
            spans,
            name or "",
        )
    body = texts[document_id][start:end]
    matches = tuple((start + s, start + e) for s, e in marker.marks(body, speaker))
    return IndexHit(
        "turn", document_id, None, start, end, speaker, perspective, kind or "other", body, matches, name
    )


def _texts(connection: Any, ids: set[int]) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, text FROM documents WHERE id = ANY(%s)", [sorted(ids)])
        return dict(cursor.fetchall())
