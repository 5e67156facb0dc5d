"""Queries of exchange fidelity: what an export cannot carry, and what an import changed or restores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.storage.models import Code, Coding, Document, DocumentEdit, Memo, Turn
from app.storage.models import Session as StudySession


def _count(session: Session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def carried_counts(session: Session) -> dict[str, int]:
    """Counts of what some export formats cannot hold."""
    dated = StudySession.date.is_not(None) | StudySession.media_path.is_not(None)
    return {
        "speaker turns": _count(session, Turn, Turn.speaker.is_not(None)),
        "anchor excerpts": _count(session, Coding, Coding.anchor.is_(True)),
        "correction history entries": _count(session, DocumentEdit),
        "session dates and videos": _count(session, StudySession, dated),
        "memos on dyads": _count(session, Memo, Memo.target == "dyad"),
        "memos on codes": _count(session, Memo, Memo.target == "code"),
        "code keyboard shortcuts": _count(session, Code, Code.shortcut.is_not(None)),
    }


def _chunks(ids: Sequence[int], size: int = 500):
    ids = list(ids)
    for index in range(0, len(ids), size):
        yield ids[index : index + size]


def coding_guids(session: Session, ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks(ids):
        found.update(
            (r.id, r.guid)
            for r in session.execute(select(Coding.id, Coding.guid).where(Coding.id.in_(chunk)))
        )
    return found


def coding_codes(session: Session, ids: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(ids):
        statement = select(Coding.id, Coding.code_id).where(Coding.id.in_(chunk))
        found.update((r.id, r.code_id) for r in session.execute(statement))
    return found


def document_guids_and_names(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        statement = select(Document.id, Document.guid, Document.name).where(Document.id.in_(chunk))
        found.update((r.id, (r.guid, r.name)) for r in session.execute(statement))
    return found


def mark_anchors(session: Session, ids: Sequence[int]) -> None:
    if ids:
        session.execute(update(Coding), [{"id": coding_id, "anchor": True} for coding_id in ids])


def set_document_times(session: Session, document_id: int, imported: datetime, modified: datetime) -> None:
    statement = update(Document).where(Document.id == document_id)
    session.execute(statement.values(imported_at=imported, modified_at=modified))
