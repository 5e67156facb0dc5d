"""Searching a server project's index (app/storage/server_search_index.py): the same totals, hits and offsets.

The PostgreSQL counterpart of index.py, returning the same IndexResults. Hits are turns by id (the order they
were written, as the file project's index keeps them), then memos. Totals are exact counts. PostgreSQL's
ts_headline counts bytes and words its own way, so match offsets are found in Python: the hit's text is split by
FTS5's rules (fts5_words.py) and the positive words and phrases of the query are marked, a phrase as one span from
its first word to its last, overlapping or touching spans merged, exactly as FTS5's highlight() marks them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy.orm import Session

from app.domain.errors import SearchError
from app.search import fts5_words
from app.search.index import (
    MEMO_KIND,
    MEMOS,
    TURNS,
    Filters,
    IndexHit,
    IndexResults,
    SearchIndexDamaged,
    Span,
    filter_conditions,
)
from app.search.query_language import BODY, Node, parse, positive_leaves
from app.search.tsquery import Compiler, Matcher


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
    lean = compiled.tsquery is not None and not conditions
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
    matchers = [
        found
        for leaf in positive_leaves(tree)
        if leaf.field == BODY and (found := compiler.matcher(leaf)) is not None
    ]
    texts = _texts(connection, {row[1] for row in rows}) if target is TURNS else {}
    return total, [_hit(target, row, matchers, texts) for row in rows]


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


def _hit(target, row: Sequence, matchers: list[Matcher], texts: dict[int, str]) -> IndexHit:
    ident, document_id, start, end, speaker, title, memo_text, name, perspective, kind = row
    if target is MEMOS:
        body = _memo_body(title, memo_text)
        spans = tuple(marked_spans(body, matchers))
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
    matches = tuple((start + s, start + e) for s, e in marked_spans(body, matchers))
    return IndexHit(
        "turn", document_id, None, start, end, speaker, perspective, kind or "other", body, matches, name
    )


def _texts(connection: Any, ids: set[int]) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, text FROM documents WHERE id = ANY(%s)", [sorted(ids)])
        return dict(cursor.fetchall())


def marked_spans(text: str, matchers: list[Matcher]) -> list[Span]:
    """Code-point spans of every run of words the matchers find in `text`, overlapping or touching ones merged."""
    if not matchers:
        return []
    mapped = fts5_words.spaced(text)
    if mapped is not None:  # words are the runs between spaces: let regular expressions find them
        found = [match.span(1) for matcher in matchers for match in _overlapping(matcher).finditer(mapped)]
        return _merged(found)
    words = fts5_words.words(text)
    folded = [word.folded for word in words]
    found: list[Span] = []
    for matcher in matchers:
        if matcher.alternatives:
            found.extend((w.start, w.end) for w in words if w.folded in matcher.alternatives)
        elif len(matcher.words) == 1 and not matcher.prefix:
            found.extend((w.start, w.end) for w in words if w.folded == matcher.words[0])
        else:
            size = len(matcher.words)
            found.extend(
                (words[first].start, words[first + size - 1].end)
                for first in range(len(words) - size + 1)
                if _fits(folded, first, matcher)
            )
    return _merged(found)


def _merged(found: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _fits(folded: list[str], first: int, matcher: Matcher) -> bool:
    last = len(matcher.words) - 1
    if folded[first + last] != matcher.words[last] and not (
        matcher.prefix and folded[first + last].startswith(matcher.words[last])
    ):
        return False
    return all(folded[first + offset] == wanted for offset, wanted in enumerate(matcher.words[:last]))


@functools.lru_cache(maxsize=256)
def _overlapping(matcher: Matcher) -> re.Pattern[str]:
    """Every occurrence of the matcher's words in a `spaced()` text, as group 1, overlapping ones too."""
    if matcher.alternatives:
        body = "(?:" + "|".join(re.escape(word) for word in sorted(matcher.alternatives)) + ")"
    else:
        parts = [re.escape(word) for word in matcher.words]
        if matcher.prefix:
            parts[-1] += "[^ ]*"
        body = " +".join(parts)
    return re.compile(f"(?=(?<![^ ])({body})(?![^ ]))")
