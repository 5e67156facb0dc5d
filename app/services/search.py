"""Full-text search across the study, with filters and exact match offsets.

The index is an FTS5 table inside the project, written by triggers in the same transaction as the text
(app/storage/search_index.py; a server project's is PostgreSQL full-text search with the same words, totals
and offsets, app/storage/server_search_index.py), so `search` never waits for indexing: it runs the query (words, "phrases",
AND/OR/NOT, wildcards, `speaker:client`; app/search/query_language.py) and returns plain data. A hit is a
speaker turn (or a memo); `matches` are exact code-point offsets into the document text, so `text[s:e]` is the
matched word or phrase. Hits come in the order their turns were written (import order: a corrected or split
turn comes later), then memos.

`coding_ranges` gives what to code of each hit (the turn, the sentence or just the matched words);
`services/search_coding.py` codes every hit once ("code all hits").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain import search_spans
from app.domain.errors import InvalidInput, SearchError
from app.domain.spans import merge_spans, overlaps_any
from app.search import index
from app.search.index import Filters, IndexHit
from app.services.project import Project
from app.services.search_upkeep import SyncReport, index_is_current, rebuild_index
from app.storage.models import DOCUMENT_KINDS, PERSPECTIVES
from app.storage.queries import lookup
from app.storage.queries import search as queries

__all__ = [
    "Hit",
    "SearchRequest",
    "SearchResult",
    "SyncReport",
    "index_is_current",
    "rebuild_index",
    "search",
]

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
SCOPES = ("turn", "sentence", "match")
MEMO_KIND = "memo"


@dataclass(frozen=True)
class SearchRequest:
    """Everything that defines a search, so its hits can be fetched again (all of them, for coding)."""

    query: str
    dyad: str | int | None = None
    session: int | None = None
    perspective: str | None = None
    kind: str | None = None  # a document kind, or "memo"; None: documents and memos
    coded_with: str | int | None = None
    not_coded_with: str | int | None = None
    memos: bool = True  # with kind None: include memos too
    coder: int | None = None  # coded/not coded with: only this coder's codings count (blind coding)


@dataclass(frozen=True)
class Hit:
    """A matching turn (or memo).

    For a turn, `start`/`end` are the turn's range and `matches` the matched words, all code points into the
    document text. For a memo (`kind == "memo"`), `document_id` is the document it is attached to (or None) and
    `start`/`end`/`matches` refer to the memo's text (`text`).
    """

    document_id: int | None
    document: str
    start: int
    end: int
    speaker: str | None
    perspective: str | None
    kind: str
    matches: tuple[tuple[int, int], ...]
    text: str  # the turn's (memo's) text
    memo_id: int | None = None

    @functools.cached_property
    def _excerpt(self) -> search_spans.Snippet:
        # Made when first shown: a search of a hundred hits need not cut a hundred snippets nobody reads.
        base = 0 if self.kind == MEMO_KIND else self.start
        local = [(s - base, e - base) for s, e in self.matches]
        return search_spans.snippet(self.text, 0, len(self.text), local)

    @property
    def snippet(self) -> str:
        """A one-line excerpt of the turn around its first match."""
        return self._excerpt.text

    @property
    def snippet_matches(self) -> tuple[tuple[int, int], ...]:
        """The matches inside `snippet`, as offsets into it."""
        return self._excerpt.matches

    def as_dict(self) -> dict[str, object]:
        """The CLI's shape (CLI.md): document, start, end, speaker, snippet, matches."""
        return {
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "snippet": self.snippet,
            "matches": [[s, e] for s, e in self.matches],
        }


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    request: SearchRequest
    limit: int | None

    @property
    def complete(self) -> bool:
        return len(self.hits) >= self.total

    def as_dict(self) -> dict[str, object]:
        return {"total": self.total, "hits": [hit.as_dict() for hit in self.hits]}


def search(
    project: Project,
    query: str,
    *,
    dyad: str | int | None = None,
    session: int | None = None,
    perspective: str | None = None,
    kind: str | None = None,
    coded_with: str | int | None = None,
    not_coded_with: str | int | None = None,
    memos: bool = True,
    coder: int | None = None,
    limit: int | None = 100,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> SearchResult:
    """Search the project. Raises SearchError for a malformed query.

    `progress` and `cancelled` are accepted for callers that run searches in the background; a search needs
    neither (nothing is indexed first)."""
    request = SearchRequest(query, dyad, session, perspective, kind, coded_with, not_coded_with, memos, coder)
    return run_request(project, request, limit=limit, progress=progress, cancelled=cancelled)


def run_request(
    project: Project,
    request: SearchRequest,
    *,
    limit: int | None = 100,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> SearchResult:
    if limit is not None and limit < 1:
        raise InvalidInput("The number of hits to show must be at least 1.")
    # One transaction: the hits, their documents and codings agree (a search without codings is one statement).
    plain = request.coded_with is None and request.not_coded_with is None and request.dyad is None
    with project.read(one_statement=plain) as session:
        filters, coded, uncoded = _filters(session, request)
        post_filter = coded is not None or uncoded is not None
        found = index.search(session, request.query, filters, None if post_filter else limit)
        hits_found = found.hits
        total = found.total
        if post_filter:
            hits_found = _by_coding(session, hits_found, coded, uncoded, request.coder)
            total = len(hits_found)
            hits_found = hits_found if limit is None else hits_found[:limit]
        hits = _hits(hits_found)
    return SearchResult(total, hits, request, limit)


def _filters(session: Session, request: SearchRequest) -> tuple[Filters, set[int] | None, set[int] | None]:
    kinds: frozenset[str] | None = None
    if request.kind is not None:
        kind = request.kind.strip().lower()
        if kind not in (*DOCUMENT_KINDS, MEMO_KIND):
            raise SearchError(
                f"{request.kind!r} is not a kind (use one of {', '.join((*DOCUMENT_KINDS, MEMO_KIND))})."
            )
        kinds = frozenset({kind})
    elif not request.memos:
        kinds = frozenset(DOCUMENT_KINDS)
    perspectives = None
    if request.perspective is not None:
        perspective = request.perspective.strip().lower()
        if perspective not in PERSPECTIVES:
            raise SearchError(
                f"{request.perspective!r} is not a perspective (use one of {', '.join(PERSPECTIVES)})."
            )
        perspectives = frozenset({perspective})
    dyad_ids = coded = uncoded = None
    if request.dyad is not None:
        dyad_ids = frozenset({lookup.dyad(session, request.dyad).id})
    coded = _code_tree(session, request.coded_with)
    uncoded = _code_tree(session, request.not_coded_with)
    sessions = frozenset({int(request.session)}) if request.session is not None else None
    return (
        Filters(dyad_ids=dyad_ids, sessions=sessions, perspectives=perspectives, kinds=kinds),
        coded,
        uncoded,
    )


def _code_tree(session, code: str | int | None) -> set[int] | None:
    if code is None:
        return None
    return queries.code_and_descendants(session, lookup.code(session, code).id)


def _by_coding(
    session: Session,
    hits: list[IndexHit],
    coded: set[int] | None,
    uncoded: set[int] | None,
    coder: int | None = None,
) -> list[IndexHit]:
    """Keep hits whose matches (the turn, when nothing in it was matched) overlap / avoid the given codes."""
    turns = [hit for hit in hits if hit.record == "turn" and hit.document_id is not None]
    documents = {hit.document_id for hit in turns}
    with_codes = queries.coded_ranges(session, documents, coded, coder) if coded is not None else {}
    without_codes = queries.coded_ranges(session, documents, uncoded, coder) if uncoded is not None else {}
    kept = []
    for hit in turns:
        spans = hit.matches or ((hit.start, hit.end),)
        if coded is not None and not any(
            overlaps_any(span, with_codes.get(hit.document_id, [])) for span in spans
        ):
            continue
        if uncoded is not None and any(
            overlaps_any(span, without_codes.get(hit.document_id, [])) for span in spans
        ):
            continue
        kept.append(hit)
    return kept


def _hits(found: list[IndexHit]) -> list[Hit]:
    return [
        Hit(
            document_id=hit.document_id,
            document=hit.document,
            start=hit.start,
            end=hit.end,
            speaker=hit.speaker,
            perspective=hit.perspective,
            kind=hit.kind,
            matches=hit.matches,
            text=hit.text,
            memo_id=hit.memo_id,
        )
        for hit in found
    ]


# -- code all hits ----------------------------------------------------------------------------------


def coding_ranges(hits: Collection[Hit], scope: str) -> list[tuple[int, int, int]]:
    """(document id, start, end) to code for each turn hit: its body, its matched sentences or its matches."""
    if scope not in SCOPES:
        raise InvalidInput(f"{scope!r} is not a scope for coding hits (use one of {', '.join(SCOPES)}).")
    wanted: dict[int, list[tuple[int, int]]] = {}
    for hit in hits:
        if hit.kind == MEMO_KIND or hit.document_id is None:
            continue  # memos are not coded
        base = hit.start
        text = hit.text
        if scope == "turn" or not hit.matches:
            s, e = search_spans.turn_body(text, 0, len(text), hit.speaker)
            spans = [(s + base, e + base)]
        elif scope == "sentence":
            local = [(s - base, e - base) for s, e in hit.matches]
            spans = [
                (s + base, e + base)
                for s, e in (search_spans.sentence_around(text, 0, len(text), m, hit.speaker) for m in local)
            ]
        else:
            spans = list(hit.matches)
        wanted.setdefault(hit.document_id, []).extend(spans)
    return [
        (doc, s, e) for doc, spans in wanted.items() for s, e in merge_spans(spans, touching=False) if s < e
    ]
