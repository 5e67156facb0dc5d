"""The project's search index on disk: open or rebuild it, update it incrementally, search it.

The public surface is whoosh-free (plain dataclasses in and out), so whoosh could be swapped for another engine
without touching the services. The index lives in the user's cache folder under the project's id (see
`app.paths.search_index_dir`); it is derived data: when it is missing, from another schema version or damaged,
the folder is deleted and the caller re-indexes everything (`SearchIndex.open` reports that via `.fresh`).

What the index holds is described by `Manifest`: the signature of every indexed document and memo (the
services decide what a signature covers: text hash, study placement, turns) and the project's content version
at the last update. Syncing compares it with the project and re-indexes only what differs.
"""

from __future__ import annotations

import gc
import shutil
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter, LockError

from app.domain.errors import OperationCancelled, SearchError
from app.search.collect import can_match_everything, collect, on_pairs
from app.search.match_spans import Span, match_spans
from app.search.query_text import make_parser, parse
from app.search.schema import SCHEMA_VERSION, make_schema
from app.search.segments import JOB_CHARS, BatchAdder, commit_with_segments, worker_count

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
VERSION_FILE = "rapport-index-version"
INDEX_NAME = "rapport"


class IndexDamaged(Exception):
    """The index files could not be read: the caller rebuilds the index (it is derived data)."""


@dataclass(frozen=True)
class TurnEntry:
    start: int
    end: int
    speaker: str | None


@dataclass(frozen=True)
class DocumentEntry:
    """A document to index; `signature` is stored so the next sync can tell whether it changed."""

    id: int
    text: str
    turns: Sequence[TurnEntry]
    signature: str
    dyad_id: int | None = None
    dyad: str | None = None
    session: int | None = None
    perspective: str | None = None
    kind: str = "other"


@dataclass(frozen=True)
class MemoEntry:
    id: int
    text: str
    signature: str
    document_id: int | None = None
    dyad_id: int | None = None
    dyad: str | None = None
    session: int | None = None
    perspective: str | None = None
    author: str | None = None


@dataclass
class Manifest:
    documents: dict[int, str] = field(default_factory=dict)  # document id -> signature
    memos: dict[int, str] = field(default_factory=dict)  # memo id -> signature
    content_version: str | None = None


@dataclass(frozen=True)
class Filters:
    """Restrictions applied inside the index (None: no restriction)."""

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


@dataclass(frozen=True)
class IndexResults:
    total: int
    hits: list[IndexHit]


class SearchIndex:
    """One project's whoosh index in `folder`. Use `SearchIndex.open(folder)`; `fresh` is True when it was
    (re)created empty, so the caller knows everything must be indexed."""

    def __init__(
        self, folder: Path, ix: whoosh_index.Index, fresh: bool, workers: int, job_chars: int
    ) -> None:
        self.folder = folder
        self.workers = workers  # processes for large updates (1: everything in this process)
        self.job_chars = job_chars
        self._ix = ix
        self.fresh = fresh
        self._parser = make_parser(ix.schema)
        self._manifest: Manifest | None = None
        self._manifest_generation = -1
        self._searcher: Searcher | None = None
        self._bookkeeping: frozenset[int] | None = None

    # -- opening ------------------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: Path, workers: int | None = None, job_chars: int = JOB_CHARS) -> SearchIndex:
        """Open the index in `folder`, creating it (empty) when missing, of another version or damaged.

        Updates of more than `job_chars` characters of text are indexed by `workers` processes (one a core
        when None; see `segments.py`)."""
        folder = Path(folder)
        workers = worker_count() if workers is None else max(1, workers)
        if _usable(folder):
            # Whoosh leaves files of a damaged index unclosed when it fails: silence those warnings here.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                ix = _try_open(folder)
                gc.collect()
            if ix is not None:
                return cls(folder, ix, False, workers, job_chars)
        return cls(folder, _create(folder), True, workers, job_chars)

    def healthy(self) -> bool:
        """True when the folder holds a readable index (so a failure came from elsewhere)."""
        if not _usable(self.folder):
            return False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            ix = _try_open(self.folder)
            gc.collect()
        if ix is None:
            return False
        ix.close()
        return True

    def recreate(self) -> None:
        """Throw the index away and start empty (the caller then indexes everything)."""
        self.close()
        self._ix = _create(self.folder)
        self._manifest = None
        self.fresh = True

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._bookkeeping = None
        self._ix.close()

    def segment_count(self) -> int:
        """How many segments the index is in (each commit adds one; merges take them back)."""
        with self._ix.reader() as reader:
            return len(list(reader.leaf_readers()))

    def generation(self) -> int:
        """The index's generation on disk: changes with every commit, also by another process."""
        return int(self._ix.latest_generation())

    # -- what is indexed --------------------------------------------------------------------------
    def manifest(self) -> Manifest:
        generation = self._ix.latest_generation()
        if self._manifest is None or generation != self._manifest_generation:
            manifest = Manifest()
            self._ix = self._ix.refresh()
            with self._ix.searcher() as searcher:
                for stored in searcher.documents(rec="doc"):
                    manifest.documents[int(stored["doc_id"])] = stored.get("signature", "")
                for stored in searcher.documents(rec="memo"):
                    manifest.memos[int(stored["memo_id"])] = stored.get("signature", "")
                for stored in searcher.documents(key="state"):
                    manifest.content_version = stored.get("signature")
            self._manifest, self._manifest_generation = manifest, generation
        return self._manifest

    # -- updating -----------------------------------------------------------------------------------
    def update(
        self,
        *,
        documents: Iterable[DocumentEntry] = (),
        remove_documents: Iterable[int] = (),
        memos: Iterable[MemoEntry] = (),
        remove_memos: Iterable[int] = (),
        content_version: str | None = None,
        total: int = 0,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> None:
        """Replace the given documents' and memos' records and drop the removed ones, in one commit.

        When `cancelled()` turns true the writer is cancelled and the index stays as it was.
        """
        known = self.manifest()  # records to replace; new ones need no deletion (which opens a reader)
        writer = self._writer()
        done = 0

        def finished(count: int) -> None:
            nonlocal done
            if cancelled is not None and cancelled():
                raise OperationCancelled("Indexing cancelled; the search index was left as it was.")
            done += count
            if progress is not None and count:
                progress(done, max(total, done), "Indexing transcripts for search")

        adder = BatchAdder(writer, add_document_records, finished, self.workers, self.job_chars)
        try:
            for document_id in remove_documents:
                writer.delete_by_term("doc_id", str(document_id))
            for memo_id in remove_memos:
                writer.delete_by_term("key", f"memo:{memo_id}")
            for entry in documents:
                if entry.id in known.documents:
                    writer.delete_by_term("doc_id", str(entry.id))
                adder.add(entry)
            segments = adder.finish()
            for memo in memos:
                if memo.id in known.memos:
                    writer.delete_by_term("key", f"memo:{memo.id}")
                _add_memo(writer, memo)
            if content_version is not None:
                writer.update_document(key="state", rec="state", signature=content_version)
        except BaseException:
            adder.abort()
            writer.cancel()
            raise
        commit_with_segments(writer, segments)
        self._ix = self._ix.refresh()
        self._manifest = None

    def _writer(self) -> IndexWriter:
        try:
            return self._ix.writer(timeout=15.0)
        except LockError:
            raise SearchError(
                "The search index is busy (another Rapport is updating it); try again in a moment."
            ) from None

    # -- searching ----------------------------------------------------------------------------------
    def _current_searcher(self) -> Searcher:
        """A searcher kept open between queries (opening one costs tens of milliseconds), replaced when the
        index changed on disk (also by another process)."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # Not Searcher.refresh(): it reuses segment readers and misses deletions made since.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._ix = self._ix.refresh()
            self._searcher = self._ix.searcher()
            self._bookkeeping = None
        return self._searcher

    def _bookkeeping_docnums(self, searcher: Searcher) -> frozenset[int]:
        if self._bookkeeping is None:
            records = query.Or([query.Term("rec", "doc"), query.Term("rec", "state")])
            self._bookkeeping = frozenset(searcher.docs_for_query(records))
        return self._bookkeeping

    def search(self, text: str, filters: Filters = Filters(), limit: int | None = 100) -> IndexResults:
        """Hits of the query (whoosh syntax) in index order, with match spans for the returned ones."""
        parsed = parse(self._parser, text)
        fast = on_pairs(parsed)
        restriction = _filter_query(filters)
        if restriction is not None:
            fast = query.And([fast, restriction])
        searcher = self._current_searcher()
        try:
            excluded = self._bookkeeping_docnums(searcher) if can_match_everything(parsed) else frozenset()
            total, docnums = collect(searcher, fast, limit, excluded)
            spans = match_spans(searcher, parsed, docnums)  # from the text fields, which keep positions
            hits = [_hit(searcher.stored_fields(docnum), spans[docnum]) for docnum in docnums]
        except SearchError:
            raise
        except Exception as exc:
            if not self.healthy():
                raise IndexDamaged(str(exc)) from exc
            # A query whoosh cannot run (e.g. a wildcard expanding to too many terms).
            raise SearchError(f"The query {text!r} could not be run: {exc}") from None
        return IndexResults(total=total, hits=hits)


def _try_open(folder: Path) -> whoosh_index.Index | None:
    try:
        ix = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)
        with ix.searcher() as searcher:  # touch the segments: damage shows up here
            searcher.doc_count()
            list(searcher.documents(key="state"))
            list(searcher.documents(rec="doc"))
        return ix
    except Exception:  # any failure to read derived data means: throw it away and rebuild
        return None


def _usable(folder: Path) -> bool:
    marker = folder / VERSION_FILE
    try:
        return marker.read_text(encoding="utf-8").strip() == SCHEMA_VERSION
    except OSError:
        return False


def _create(folder: Path) -> whoosh_index.Index:
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), make_schema(), indexname=INDEX_NAME)
    (folder / VERSION_FILE).write_text(SCHEMA_VERSION, encoding="utf-8")
    return ix


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def add_document_records(writer: IndexWriter, entry: DocumentEntry) -> None:
    """Add a document's bookkeeping record and one record a turn (also called in worker processes)."""
    common = {
        "doc_id": str(entry.id),
        "dyad_id": _text_or_none(entry.dyad_id),
        "dyad": entry.dyad,
        "session": _text_or_none(entry.session),
        "perspective": entry.perspective,
        "kind": entry.kind,
    }
    common = {key: value for key, value in common.items() if value is not None}
    writer.add_document(key=f"doc:{entry.id}", rec="doc", doc_id=str(entry.id), signature=entry.signature)
    turns = entry.turns or [TurnEntry(0, len(entry.text), None)]
    for turn in turns:
        body = entry.text[turn.start : turn.end]
        if not body.strip():
            continue
        extra = {"speaker": turn.speaker} if turn.speaker else {}
        writer.add_document(
            rec="turn",
            text=body,
            exact=body,
            pairs=body,
            body=body,
            start=turn.start,
            end=turn.end,
            **common,
            **extra,
        )


def _add_memo(writer: IndexWriter, memo: MemoEntry) -> None:
    values = {
        "dyad_id": _text_or_none(memo.dyad_id),
        "dyad": memo.dyad,
        "session": _text_or_none(memo.session),
        "perspective": memo.perspective,
        "speaker": memo.author,
    }
    values = {key: value for key, value in values.items() if value is not None}
    writer.add_document(
        key=f"memo:{memo.id}",
        rec="memo",
        kind="memo",
        memo_id=memo.id,
        text=memo.text,
        exact=memo.text,
        pairs=memo.text,
        body=memo.text,
        memo_document=memo.document_id,
        signature=memo.signature,
        **values,
    )


def _any_of(fieldname: str, values: Iterable[object]) -> query.Query:
    return query.Or([query.Term(fieldname, str(value).lower()) for value in sorted(map(str, values))])


def _filter_query(filters: Filters) -> query.Query | None:
    parts: list[query.Query] = []
    if filters.dyad_ids is not None:
        parts.append(_any_of("dyad_id", filters.dyad_ids))
    if filters.sessions is not None:
        parts.append(_any_of("session", filters.sessions))
    if filters.perspectives is not None:
        parts.append(_any_of("perspective", filters.perspectives))
    if filters.kinds is not None:
        parts.append(_any_of("kind", filters.kinds))
    if filters.document_ids is not None:
        parts.append(_any_of("doc_id", filters.document_ids))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.And(parts)


def _hit(stored: dict, spans: list[Span]) -> IndexHit:
    is_memo = stored.get("rec") == "memo"
    if is_memo:
        document_id = stored.get("memo_document")
        start, end = 0, len(stored.get("body", ""))
        matches = tuple(spans)
    else:
        document_id = int(stored["doc_id"])
        start, end = int(stored["start"]), int(stored["end"])
        matches = tuple((start + s, start + e) for s, e in spans)
    return IndexHit(
        record="memo" if is_memo else "turn",
        document_id=document_id,
        memo_id=stored.get("memo_id"),
        start=start,
        end=end,
        speaker=stored.get("speaker"),
        perspective=stored.get("perspective"),
        kind=stored.get("kind", "other"),
        text=stored.get("body", ""),
        matches=matches,
    )
