"""Codings and coders: the rows analysts create all day."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.storage.models import Code, Coder, Coding, Document, Memo
from app.storage.queries.rows import CODING_COLUMNS, MEMO_COLUMNS, rows


def coding_rows(session: Session, *where) -> list[dict[str, Any]]:
    return rows(session, Coding, CODING_COLUMNS, *where)


def codings_by_ids(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    return coding_rows(session, Coding.id.in_(list(ids))) if ids else []


def codings_of_document(session: Session, document_id: int) -> list[dict[str, Any]]:
    found = coding_rows(session, Coding.document_id == document_id)
    return sorted(found, key=lambda r: (r["start"], r["end"], r["id"]))


def coding_spans_of_document(session: Session, document_id: int) -> list[tuple[int, int, int, int, int]]:
    """(id, code, coder, start, end) of a document's codings, by start: only what a view paints. Read through
    the connection (plain rows, no ORM row processing) and without the timestamps: thousands of codings load in
    a few milliseconds."""
    statement = (
        select(Coding.id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
        .where(Coding.document_id == document_id)
        .order_by(Coding.start, Coding.end, Coding.id)
    )
    return [tuple(row) for row in session.connection().execute(statement)]


def existing_keys(
    session: Session, document_ids: Iterable[int], starts: Collection[int] | None = None
) -> set[tuple[int, int, int, int, int]]:
    """(document, code, coder, start, end) of the codings of these documents; only those starting at one of
    `starts` when given (checking a few new codings for duplicates need not read thousands)."""
    ids = list(set(document_ids))
    if not ids:
        return set()
    statement = select(Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(
        Coding.document_id.in_(ids)
    )
    if starts is not None:
        statement = statement.where(Coding.start.in_(list(set(starts))))
    return {tuple(row) for row in session.execute(statement)}


def document_lengths(session: Session, ids: Iterable[int]) -> dict[int, int]:
    ids = list(set(ids))
    if not ids:
        return {}
    statement = select(Document.id, Document.length).where(Document.id.in_(ids))
    return dict(session.execute(statement).all())


def existing_ids(session: Session, model, ids: Iterable[int]) -> set[int]:
    ids = list(set(ids))
    if not ids:
        return set()
    return set(session.scalars(select(model.id).where(model.id.in_(ids))))


def insert_codings(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert (Core executemany); returns the new ids in order."""
    if not rows:
        return []
    result = session.execute(insert(Coding).returning(Coding.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def insert_rows(session: Session, model, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def update_codings(session: Session, ids: Sequence[int], **values: Any) -> None:
    if ids:
        session.execute(update(Coding).where(Coding.id.in_(list(ids))).values(**values))


def update_coding(session: Session, coding_id: int, **values: Any) -> None:
    session.execute(update(Coding).where(Coding.id == coding_id).values(**values))


def delete_codings(session: Session, ids: Sequence[int]) -> None:
    if ids:
        session.execute(delete(Coding).where(Coding.id.in_(list(ids))))


def memos_of_codings(session: Session, coding_ids: Sequence[int]) -> list[dict[str, Any]]:
    if not coding_ids:
        return []
    return rows(session, Memo, MEMO_COLUMNS, Memo.coding_id.in_(list(coding_ids)))


def anchor_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Coding.id).where(Coding.anchor.is_(True))))


def anchor_count(session: Session, code_id: int) -> int:
    return session.scalar(select(func.count()).where(Coding.code_id == code_id, Coding.anchor.is_(True))) or 0


def move_memos_to_codings(session: Session, moves: Sequence[tuple[int, int]]) -> None:
    """Attach memos to other codings: (memo id, coding id) pairs."""
    for memo_id, coding_id in moves:
        session.execute(update(Memo).where(Memo.id == memo_id).values(coding_id=coding_id))


def coders(session: Session) -> list[Coder]:
    return list(session.scalars(select(Coder).order_by(Coder.name)))


def coder_colors(session: Session) -> list[str]:
    return list(session.scalars(select(Coder.color)))


def coding_views(session: Session, *where) -> list[Any]:
    """Codings joined with their document, code and coder names, plus the coded text."""
    statement = (
        select(
            Coding.id,
            Coding.document_id,
            Document.name.label("document"),
            Coding.code_id,
            Code.name.label("code"),
            Coding.coder_id,
            Coder.name.label("coder"),
            Coding.start,
            Coding.end,
            func.substr(Document.text, Coding.start + 1, Coding.end - Coding.start).label("text"),
        )
        .join(Document, Coding.document_id == Document.id)
        .join(Code, Coding.code_id == Code.id)
        .join(Coder, Coding.coder_id == Coder.id)
        .where(*where)
        .order_by(Document.name, Coding.start, Coding.end, Coding.id)
    )
    return list(session.execute(statement))


def reassign_coder(session: Session, old_id: int, new_id: int) -> tuple[list[int], list[int]]:
    """Move a coder's codings and memos to another coder; returns the moved coding and memo ids."""
    moved = list(session.scalars(select(Coding.id).where(Coding.coder_id == old_id)))
    moved_memos = list(session.scalars(select(Memo.id).where(Memo.author_id == old_id)))
    session.execute(update(Coding).where(Coding.coder_id == old_id).values(coder_id=new_id))
    session.execute(update(Memo).where(Memo.author_id == old_id).values(author_id=new_id))
    return moved, moved_memos


def set_memo_authors(session: Session, memo_ids: Sequence[int], author_id: int) -> None:
    if memo_ids:
        session.execute(update(Memo).where(Memo.id.in_(list(memo_ids))).values(author_id=author_id))


def anchors_by_code(session: Session) -> dict[int, list[int]]:
    """code id -> the ids of its codings chosen as anchor excerpts, in id order."""
    statement = select(Coding.code_id, Coding.id).where(Coding.anchor.is_(True)).order_by(Coding.id)
    found: dict[int, list[int]] = {}
    for code_id, coding_id in session.execute(statement):
        found.setdefault(code_id, []).append(coding_id)
    return found
