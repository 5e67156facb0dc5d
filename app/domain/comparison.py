"""Comparing perspectives on one dyad: the theme x perspective matrix, shared moments, one-sided themes.

Pure Python: the service hands in plain rows (codes, documents with their text and turns, codings) and gets
back plain results. The choices a researcher needs to know, in one place:

* **Which documents.** Every document of the dyad that has a perspective (client, therapist, interpreter,
  researcher) counts for its perspective, whatever its kind. Documents without a perspective (typically the
  session transcript, where both speak) belong to no column. With a session selection, documents not tied to
  a session are left out; with "all sessions" they are included.
* **Counts.** A cell holds the number of codings, the number of distinct documents they lie in, and the
  coverage: words covered by the union of the code's coded spans in that perspective's documents, divided by
  all words of that perspective's documents (see `word_count` for the tokenizer). Overlapping codings (by one
  coder or by several) never count a word twice.
* **Hierarchy.** A parent's row rolls up its whole subtree: codings are summed, documents are the distinct
  documents of the subtree, coverage is the union of all spans of the subtree.
* **Video moment of a coding.** The `video_ref_ms` of the turn containing the coding's *start*; when that turn
  has none, the latest reference of an earlier turn of the same document (a recall interviewee keeps talking
  about the moment last shown until the next marker). A coding that runs over several turns takes its first.
* **Shared moments.** Per code (its own codings; optionally pooled with its sub-codes') and session, the recall-interview codings
  with a video moment are sorted by time and linked when consecutive moments lie at most `window_ms` apart
  (single linkage, inclusive). A linked group is a shared moment when it holds codings of two or more
  perspectives; its `time_ms` is its earliest moment, `end_ms` its latest. Any two neighbours in a group are
  within the window, so at least one pair of different perspectives is.
* **One-sided themes.** A code (with its subtree) coded in exactly one perspective while at least one other
  perspective has documents in the selection.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.domain.word_count import count_words, merge_spans, widen_to_words

PERSPECTIVE_ORDER = ("client", "therapist", "interpreter", "researcher")
DEFAULT_WINDOW_MS = 30_000


def order_perspectives(perspectives: Iterable[str]) -> tuple[str, ...]:
    """Client first, then therapist, interpreter, researcher; anything else after, alphabetically."""
    known = {p: i for i, p in enumerate(PERSPECTIVE_ORDER)}
    return tuple(sorted(set(perspectives), key=lambda p: (known.get(p, len(known)), p)))


# -- input rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeNode:
    id: int
    parent_id: int | None
    name: str
    color: str = "#888888"
    position: int = 0


@dataclass(frozen=True)
class TurnRow:
    start: int
    end: int
    speaker: str | None = None
    time_start_ms: int | None = None
    video_ref_ms: int | None = None


@dataclass(frozen=True)
class DocumentRow:
    id: int
    name: str
    perspective: str | None
    kind: str
    session: int | None
    text: str
    turns: Sequence[TurnRow] = ()


@dataclass(frozen=True)
class CodingRow:
    id: int
    code_id: int
    document_id: int
    start: int
    end: int
    coder: str = ""


# -- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    """A coded excerpt with everything a reader needs to place it in the study."""

    coding_id: int
    code_id: int
    code: str  # the code's path, `Parent/Child`
    document_id: int
    document: str
    perspective: str | None
    kind: str
    session: int | None
    start: int
    end: int
    video_ref_ms: int | None
    speaker: str | None
    coder: str
    text: str


@dataclass(frozen=True)
class Cell:
    codings: int = 0
    documents: int = 0
    coded_words: int = 0
    total_words: int = 0

    @property
    def coverage(self) -> float:
        return self.coded_words / self.total_words if self.total_words else 0.0


@dataclass(frozen=True)
class MatrixRow:
    code_id: int
    parent_id: int | None
    name: str
    path: str
    color: str
    depth: int
    cells: dict[str, Cell]


@dataclass(frozen=True)
class SharedMoment:
    code_id: int
    code: str
    session: int
    time_ms: int
    end_ms: int
    codings: dict[str, list[int]]  # perspective -> coding ids, in time order


@dataclass(frozen=True)
class OneSided:
    code_id: int
    code: str
    perspective: str


@dataclass(frozen=True)
class PerspectiveCorpus:
    """What one perspective's column rests on: how many documents, how many words."""

    documents: int
    words: int


@dataclass
class DyadComparison:
    dyad: str
    sessions: tuple[int, ...] | None  # None: all sessions
    window_ms: int
    perspectives: tuple[str, ...]
    rows: list[MatrixRow]
    shared_moments: list[SharedMoment]
    one_sided: list[OneSided]
    excerpts: list[Excerpt]
    subtree: dict[int, frozenset[int]] = field(default_factory=dict)  # code id -> itself and descendants
    corpora: dict[str, PerspectiveCorpus] = field(default_factory=dict)  # perspective -> documents, words
    _rows_by_code: dict[int, MatrixRow] = field(init=False, repr=False, compare=False)
    _by_coding: dict[int, Excerpt] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rows_by_code = {r.code_id: r for r in self.rows}
        self._by_coding = {e.coding_id: e for e in self.excerpts}

    def row(self, code_id: int) -> MatrixRow | None:
        return self._rows_by_code.get(code_id)

    def excerpts_for(
        self, code_id: int, perspective: str | None = None, *, roll_up: bool = True
    ) -> list[Excerpt]:
        """The excerpts behind a cell (or a whole row when `perspective` is None)."""
        codes = self.subtree.get(code_id, frozenset({code_id})) if roll_up else frozenset({code_id})
        return [
            e
            for e in self.excerpts
            if e.code_id in codes and (perspective is None or e.perspective == perspective)
        ]

    def excerpt(self, coding_id: int) -> Excerpt | None:
        return self._by_coding.get(coding_id)

    def as_json(self) -> dict[str, object]:
        """The CLI contract's shape (shared/design/CLI.md), codes named by their path."""
        return {
            "dyad": self.dyad,
            "codes": [
                {
                    "code": r.path,
                    "perspectives": {
                        p: {"codings": c.codings, "documents": c.documents, "coverage": round(c.coverage, 6)}
                        for p, c in r.cells.items()
                    },
                }
                for r in self.rows
            ],
            "shared_moments": [
                {"code": m.code, "time_ms": m.time_ms, "codings": m.codings} for m in self.shared_moments
            ],
            "one_sided": [{"code": o.code, "perspective": o.perspective} for o in self.one_sided],
        }


# -- the code tree ----------------------------------------------------------------------------------


class CodeTree:
    """Parent/child structure of the codebook: tree order, paths, depths and subtrees."""

    def __init__(self, codes: Iterable[CodeNode]) -> None:
        self.nodes = {c.id: c for c in codes}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for node in self.nodes.values():
            parent = node.parent_id if node.parent_id in self.nodes else None
            self.children[parent].append(node.id)
        for ids in self.children.values():
            ids.sort(key=lambda i: (self.nodes[i].position, self.nodes[i].name.casefold(), i))
        self.order: list[int] = []
        self.depth: dict[int, int] = {}
        self.path: dict[int, str] = {}
        stack: list[tuple[int, int, str]] = [(i, 0, "") for i in reversed(self.children[None])]
        while stack:
            code_id, depth, prefix = stack.pop()
            self.order.append(code_id)
            self.depth[code_id] = depth
            self.path[code_id] = prefix + self.nodes[code_id].name
            stack.extend((c, depth + 1, self.path[code_id] + "/") for c in reversed(self.children[code_id]))
        self.subtree: dict[int, frozenset[int]] = {}
        for code_id in reversed(self.order):  # children before parents
            members = {code_id}
            for child in self.children[code_id]:
                members |= self.subtree[child]
            self.subtree[code_id] = frozenset(members)

    def parent(self, code_id: int) -> int | None:
        parent = self.nodes[code_id].parent_id
        return parent if parent in self.nodes else None


# -- video moments ----------------------------------------------------------------------------------


def video_moments(turns: Sequence[TurnRow]) -> list[int | None]:
    """Each turn's video moment: its own reference, else the latest reference of an earlier turn."""
    moments: list[int | None] = []
    current: int | None = None
    for turn in turns:
        if turn.video_ref_ms is not None:
            current = turn.video_ref_ms
        moments.append(current)
    return moments


def make_excerpts(
    tree: CodeTree, documents: Sequence[DocumentRow], codings: Iterable[CodingRow]
) -> list[Excerpt]:
    """Codings of known codes in the given documents, with text, speaker and video moment."""
    by_id = {d.id: d for d in documents}
    prepared: dict[int, tuple[list[int], list[int | None]]] = {
        d.id: ([t.start for t in d.turns], video_moments(d.turns)) for d in documents
    }
    result = []
    for coding in codings:
        doc = by_id.get(coding.document_id)
        if doc is None or coding.code_id not in tree.nodes:
            continue
        starts, moments = prepared[doc.id]
        index = bisect.bisect_right(starts, coding.start) - 1
        turn = doc.turns[index] if index >= 0 else None
        result.append(
            Excerpt(
                coding_id=coding.id,
                code_id=coding.code_id,
                code=tree.path[coding.code_id],
                document_id=doc.id,
                document=doc.name,
                perspective=doc.perspective,
                kind=doc.kind,
                session=doc.session,
                start=coding.start,
                end=coding.end,
                video_ref_ms=moments[index] if index >= 0 else None,
                speaker=turn.speaker if turn else None,
                coder=coding.coder,
                text=doc.text[coding.start : coding.end],
            )
        )
    result.sort(key=lambda e: (e.session is None, e.session or 0, e.document, e.start, e.coding_id))
    return result


# -- the matrix -------------------------------------------------------------------------------------


def perspective_corpora(documents: Sequence[DocumentRow]) -> dict[str, PerspectiveCorpus]:
    documents_of: dict[str, int] = defaultdict(int)
    words_of: dict[str, int] = defaultdict(int)
    for doc in documents:
        if doc.perspective:
            documents_of[doc.perspective] += 1
            words_of[doc.perspective] += count_words(doc.text)
    return {p: PerspectiveCorpus(documents_of[p], words_of[p]) for p in order_perspectives(documents_of)}


def build_matrix(
    tree: CodeTree,
    documents: Sequence[DocumentRow],
    excerpts: Sequence[Excerpt],
    *,
    include_empty: bool = False,
    corpora: dict[str, PerspectiveCorpus] | None = None,
) -> tuple[tuple[str, ...], list[MatrixRow]]:
    """Perspectives present, and one row per code in tree order with rolled-up cells."""
    corpora = perspective_corpora(documents) if corpora is None else corpora
    perspectives = tuple(corpora)
    texts = {d.id: d.text for d in documents}
    total_words = {p: c.words for p, c in corpora.items()}
    # Own spans per code, perspective and document (widened to whole words, merged later).
    own: dict[int, dict[str, dict[int, list[tuple[int, int]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    own_counts: dict[tuple[int, str], int] = defaultdict(int)
    for e in excerpts:
        if e.perspective is None:
            continue
        own[e.code_id][e.perspective][e.document_id].append(
            widen_to_words(texts[e.document_id], e.start, e.end)
        )
        own_counts[(e.code_id, e.perspective)] += 1
    rolled: dict[int, dict[str, dict[int, list[tuple[int, int]]]]] = {}
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for code_id in reversed(tree.order):  # children first, so parents merge finished subtrees
        spans: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
        for perspective, docs in own.get(code_id, {}).items():
            counts[(code_id, perspective)] += own_counts[(code_id, perspective)]
            for doc_id, doc_spans in docs.items():
                spans[perspective][doc_id].extend(doc_spans)
        for child in tree.children[code_id]:
            for perspective, docs in rolled[child].items():
                counts[(code_id, perspective)] += counts[(child, perspective)]
                for doc_id, doc_spans in docs.items():
                    spans[perspective][doc_id].extend(doc_spans)
        rolled[code_id] = {p: {d: merge_spans(s) for d, s in docs.items()} for p, docs in spans.items()}
    rows = []
    for code_id in tree.order:
        cells = {}
        for perspective in perspectives:
            docs = rolled[code_id].get(perspective, {})
            coded = sum(count_words(texts[d], s, e) for d, spans in docs.items() for s, e in spans)
            cells[perspective] = Cell(
                codings=counts[(code_id, perspective)],
                documents=len(docs),
                coded_words=coded,
                total_words=total_words[perspective],
            )
        if include_empty or any(c.codings for c in cells.values()):
            node = tree.nodes[code_id]
            rows.append(
                MatrixRow(
                    code_id=code_id,
                    parent_id=tree.parent(code_id),
                    name=node.name,
                    path=tree.path[code_id],
                    color=node.color,
                    depth=tree.depth[code_id],
                    cells=cells,
                )
            )
    return perspectives, rows


# -- shared moments and one-sided themes ------------------------------------------------------------


def cluster_by_time(items: Sequence[Excerpt], window_ms: int) -> list[list[Excerpt]]:
    """Single-linkage groups of excerpts whose consecutive video moments lie at most `window_ms` apart."""
    timed = sorted(
        (e for e in items if e.video_ref_ms is not None), key=lambda e: (e.video_ref_ms, e.coding_id)
    )
    groups: list[list[Excerpt]] = []
    for excerpt in timed:
        if groups and excerpt.video_ref_ms - groups[-1][-1].video_ref_ms <= window_ms:  # type: ignore[operator]
            groups[-1].append(excerpt)
        else:
            groups.append([excerpt])
    return groups


def find_shared_moments(
    tree: CodeTree,
    excerpts: Sequence[Excerpt],
    window_ms: int = DEFAULT_WINDOW_MS,
    *,
    include_subcodes: bool = False,
) -> list[SharedMoment]:
    """Moments of the session video on which two or more perspectives' recall interviews apply a code.

    With `include_subcodes`, a code's moments pool the codings of its whole subtree, so a client's
    `Rupture/Withdrawal` and a therapist's `Rupture/Confrontation` at the same moment meet under `Rupture`
    (and a moment shared on one sub-code is then reported for its ancestors too).
    """
    if window_ms < 0:
        raise ValueError("the window must not be negative")
    ancestors: dict[int, list[int]] = defaultdict(list)
    for code_id, members in tree.subtree.items():
        for member in members if include_subcodes else (code_id,):
            ancestors[member].append(code_id)
    by_code_session: dict[tuple[int, int], list[Excerpt]] = defaultdict(list)
    for e in excerpts:
        if e.kind == "recall" and e.perspective and e.session is not None and e.video_ref_ms is not None:
            for code_id in ancestors.get(e.code_id, ()):
                by_code_session[(code_id, e.session)].append(e)
    moments = []
    for (code_id, session), items in by_code_session.items():
        for group in cluster_by_time(items, window_ms):
            ids: dict[str, list[int]] = defaultdict(list)
            for e in group:
                ids[e.perspective].append(e.coding_id)  # type: ignore[index]
            if len(ids) >= 2:
                moments.append(
                    SharedMoment(
                        code_id=code_id,
                        code=tree.path[code_id],
                        session=session,
                        time_ms=group[0].video_ref_ms,  # type: ignore[arg-type]
                        end_ms=group[-1].video_ref_ms,  # type: ignore[arg-type]
                        codings={p: ids[p] for p in order_perspectives(ids)},
                    )
                )
    position = {code_id: i for i, code_id in enumerate(tree.order)}
    moments.sort(key=lambda m: (m.session, m.time_ms, position.get(m.code_id, 0)))
    return moments


def find_one_sided(rows: Sequence[MatrixRow], perspectives: Sequence[str]) -> list[OneSided]:
    """Codes raised (in their subtree) by exactly one perspective of several present."""
    if len(perspectives) < 2:
        return []
    found = []
    for row in rows:
        raised = [p for p in perspectives if row.cells[p].codings > 0]
        if len(raised) == 1:
            found.append(OneSided(code_id=row.code_id, code=row.path, perspective=raised[0]))
    return found


def compare(
    dyad: str,
    codes: Iterable[CodeNode],
    documents: Sequence[DocumentRow],
    codings: Iterable[CodingRow],
    *,
    sessions: tuple[int, ...] | None = None,
    window_ms: int = DEFAULT_WINDOW_MS,
    include_empty: bool = False,
    moments_include_subcodes: bool = False,
) -> DyadComparison:
    """The whole comparison of one dyad over the documents given (already filtered to the sessions)."""
    tree = CodeTree(codes)
    excerpts = make_excerpts(tree, documents, codings)
    corpora = perspective_corpora(documents)
    perspectives, rows = build_matrix(tree, documents, excerpts, include_empty=include_empty, corpora=corpora)
    return DyadComparison(
        dyad=dyad,
        sessions=sessions,
        window_ms=window_ms,
        perspectives=perspectives,
        rows=rows,
        shared_moments=find_shared_moments(
            tree, excerpts, window_ms, include_subcodes=moments_include_subcodes
        ),
        one_sided=find_one_sided(rows, perspectives),
        excerpts=excerpts,
        subtree=dict(tree.subtree),
        corpora=corpora,
    )
