"""Looking after the search index: nothing to do day to day, a rebuild for a damaged project file.

The index is written by SQLite triggers in the same transaction as the text (app/storage/search_index.py), so
it is always current: there is no sync step, no cache folder and nothing to catch up after a crash. Only a
damaged file (or a curious researcher) needs "Rebuild search index", which drops the index and indexes every
turn and memo again in one transaction; a cancel leaves the old index as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain.errors import OperationCancelled
from app.services.project import Project
from app.storage import upkeep
from app.storage.queries import search as queries

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class SyncReport:
    """What a rebuild indexed (the names of an older, synced index are kept for its callers)."""

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


def index_is_current(project: Project) -> bool:
    """Always True: the index is written with the text. Kept so callers need not change."""
    return True


def rebuild_index(
    project: Project, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> SyncReport:
    """Drop the index and index the whole project again, in one transaction (the GUI's "Rebuild index")."""

    def step(done: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise OperationCancelled("Rebuilding cancelled; the search index was left as it was.")
        if progress is not None:
            progress(done, total, "Indexing transcripts for search")

    with project.write() as session:
        step(0, 0)
        documents, memos = queries.rebuild_search_index(session, step)
    upkeep.tidy_search_index(project.engine)
    return SyncReport(documents, 0, memos, 0, True)
