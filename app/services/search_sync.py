"""Keeping a project's search index in step with the project: sync before every search, rebuild on demand.

The index is derived data in the user's cache folder. Before each search `sync_index` compares what the index
holds (a signature per document and per memo) with the project and re-indexes only what differs, so the index
follows imports, corrections, deletions, moves between dyads and memo edits without any service having to tell
it. When nothing changed, one SQL statement (a "state token" of the project) and the index generation show it,
in well under a millisecond.

A document's signature covers its text hash, its place in the study (dyad, session, perspective, kind) and a
digest of its turns (which a split, merge or relabel changes without touching the text).
A missing, outdated or damaged index folder is deleted and rebuilt from scratch.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.domain.errors import RapportError
from app.search.index import DocumentEntry, MemoEntry, SearchIndex, TurnEntry
from app.services.project import Project
from app.storage import cipher
from app.storage.queries import search as queries

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
BATCH = 20  # documents read from the project at a time while indexing
MAX_OPEN_INDEXES = 8

_lock = threading.RLock()
_open: OrderedDict[Path, SearchIndex] = OrderedDict()
# Per index folder: the project's state token and the index generation right after the last sync.
_synced: dict[Path, tuple[str, int]] = {}
_private_folders: set[Path] = set()  # indexes of encrypted projects, removed at exit


@dataclass(frozen=True)
class SyncReport:
    indexed_documents: int
    removed_documents: int
    indexed_memos: int
    removed_memos: int
    rebuilt: bool

    @property
    def changed(self) -> bool:
        return bool(
            self.indexed_documents or self.removed_documents or self.indexed_memos or self.removed_memos
        )


def index_folder(project: Project) -> Path:
    """The project's index folder (keyed by the project's id; by its path if an old file has no id)."""
    key = project.project_id or "path-" + hashlib.sha1(str(project.path).encode("utf-8")).hexdigest()
    if cipher.is_encrypted(project.path):
        folder = paths.private_search_index_dir(key)  # never a plain index of an encrypted project on disk
        if not _private_folders:
            atexit.register(_remove_private_folders)
        _private_folders.add(folder)
        return folder
    return paths.search_index_dir(key)


def _remove_private_folders() -> None:
    """At exit: remove the in-memory indexes of encrypted projects this process made."""
    for folder in _private_folders:
        shutil.rmtree(folder, ignore_errors=True)


def locked() -> threading.RLock:
    """Held while an index is read or written: whoosh objects are not shared between threads."""
    return _lock


def open_index(project: Project) -> SearchIndex:
    folder = index_folder(project)
    with _lock:
        index = _open.get(folder)
        if index is None:
            index = _open[folder] = SearchIndex.open(folder)
            while len(_open) > MAX_OPEN_INDEXES:
                _, oldest = _open.popitem(last=False)
                oldest.close()
        _open.move_to_end(folder)
        return index


def close_index(project: Project) -> None:
    """Forget the open index of a project (when it closes); the folder stays for next time."""
    with _lock:
        index = _open.pop(index_folder(project), None)
        if index is not None:
            index.close()
        if cipher.is_encrypted(project.path):
            shutil.rmtree(index_folder(project), ignore_errors=True)


def sync_index(
    project: Project, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> SyncReport:
    """Bring the index up to date with the project; cheap when it already is. Damage means a rebuild."""
    with _lock:
        index = open_index(project)
        try:
            return _sync(project, index, progress, cancelled)
        except RapportError:
            raise
        except Exception:
            if index.healthy():
                raise  # not the index's fault (a bug, or the project could not be read)
            index.recreate()  # a damaged index: throw it away and index everything again
            return _sync(project, index, progress, cancelled)


def index_is_current(project: Project) -> bool:
    """True when a search would not have to index anything first (so it is quick enough for the GUI thread)."""
    with _lock:
        index = open_index(project)
        if index.fresh:
            return False
        with project.read() as session:
            token = queries.state_token(session)
        return _synced.get(index.folder) == (token, index.generation())


def rebuild_index(
    project: Project, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> SyncReport:
    """Throw the index away and index the whole project again (the GUI's "Rebuild index")."""
    with _lock:
        index = open_index(project)
        index.recreate()
        return _sync(project, index, progress, cancelled)


def _memo_signature(row) -> str:
    return hashlib.sha1(repr(tuple(row)).encode("utf-8")).hexdigest()


def _memo_text(title: str | None, text: str | None) -> str:
    """What is searched in a memo: its title, then its text, on separate lines."""
    return "\n".join(part for part in (title, text) if part)


def _sync(
    project: Project, index: SearchIndex, progress: Progress | None, cancelled: Cancelled | None
) -> SyncReport:
    rebuilt = index.fresh
    with project.read() as session:
        token = queries.state_token(session)
    if not rebuilt and _synced.get(index.folder) == (token, index.generation()):
        return SyncReport(0, 0, 0, 0, False)  # nothing changed since the last sync (the usual case)
    manifest = index.manifest()
    with project.read() as session:
        rows = queries.documents_to_index(session)
        placements = {row[0]: "|".join(map(str, row[1:])) for row in rows}
        # Turns change with the text (imports, corrections) and without it (split, merge, relabel): every
        # document's turns are summarised (one ordered scan; this runs only when the project changed).
        turns = queries.turn_fingerprints(session)
        memo_rows = queries.memos_to_index(session)
    wanted = {ident: f"{placement}#{turns.get(ident, '0')}" for ident, placement in placements.items()}
    stale = [ident for ident, signature in wanted.items() if manifest.documents.get(ident) != signature]
    gone = [ident for ident in manifest.documents if ident not in wanted]
    memo_signatures = {row[0]: _memo_signature(row) for row in memo_rows}
    stale_memos = [row for row in memo_rows if manifest.memos.get(row[0]) != memo_signatures[row[0]]]
    gone_memos = [ident for ident in manifest.memos if ident not in memo_signatures]
    details = {row[0]: row for row in rows}
    if stale or gone or stale_memos or gone_memos:
        index.update(
            documents=_entries(project, stale, details, wanted),
            remove_documents=gone,
            memos=[_memo_entry(row, memo_signatures[row[0]]) for row in stale_memos],
            remove_memos=gone_memos,
            total=len(stale),
            progress=progress,
            cancelled=cancelled,
        )
    index.fresh = False
    _synced[index.folder] = (token, index.generation())
    return SyncReport(len(stale), len(gone), len(stale_memos), len(gone_memos), rebuilt)


def _entries(
    project: Project, ids: list[int], details: dict, signatures: dict[int, str]
) -> Iterator[DocumentEntry]:
    """Documents to index, read from the project a batch at a time (a study may hold gigabytes of text)."""
    for first in range(0, len(ids), BATCH):
        batch = ids[first : first + BATCH]
        with project.read() as session:
            loaded = queries.texts_and_turns(session, batch)
        for ident in batch:
            if ident not in loaded:  # deleted meanwhile: the next sync removes it
                continue
            text, turns = loaded[ident]
            _, _, dyad_id, dyad, number, perspective, kind = details[ident]
            yield DocumentEntry(
                id=ident,
                text=text,
                turns=[TurnEntry(start, end, speaker) for start, end, speaker in turns],
                signature=signatures[ident],
                dyad_id=dyad_id,
                dyad=dyad,
                session=number,
                perspective=perspective,
                kind=kind or "other",
            )


def _memo_entry(row, signature: str) -> MemoEntry:
    ident, title, text, document_id, dyad_id, dyad, number, perspective, author = row
    return MemoEntry(
        id=ident,
        text=_memo_text(title, text),
        signature=signature,
        document_id=document_id,
        dyad_id=dyad_id,
        dyad=dyad,
        session=number,
        perspective=perspective,
        author=author,
    )
