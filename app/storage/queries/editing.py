"""Rows anchored to a document's text (turns, codings, memos) and its edit history, for text corrections."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from app.storage.models import Coder, Coding, Document, DocumentEdit, Memo, Turn
from app.storage.queries.rows import CODING_COLUMNS, MEMO_COLUMNS, TURN_COLUMNS
from app.storage.queries.rows import rows as _rows


def turns(session: Session, document_id: int) -> list[dict[str, Any]]:
    return sorted(
        _rows(session, Turn, TURN_COLUMNS, Turn.document_id == document_id), key=lambda r: r["start"]
    )


def codings(session: Session, document_id: int) -> list[dict[str, Any]]:
    return _rows(session, Coding, CODING_COLUMNS, Coding.document_id == document_id)


def memos(session: Session, document_id: int, coding_ids: list[int]) -> list[dict[str, Any]]:
    """Memos on the document (anchored or not) and on its codings: everything an edit can move or remove."""
    condition = Memo.document_id == document_id
    if coding_ids:
        condition = or_(condition, Memo.coding_id.in_(coding_ids))
    return _rows(session, Memo, MEMO_COLUMNS, condition)


def replace_turns(session: Session, document_id: int, rows: list[dict[str, Any]]) -> None:
    """The document's turns become `rows`: those with an id keep it, the others (new turns) get fresh ids
    only after the kept ones are in, so a fresh id never takes a kept one."""
    session.execute(delete(Turn).where(Turn.document_id == document_id))
    columns = [c for c in TURN_COLUMNS if c != "id"]
    kept = [{"id": r["id"], **{c: r.get(c) for c in columns}} for r in rows if r.get("id") is not None]
    new = [{c: r.get(c) for c in columns} for r in rows if r.get("id") is None]
    for batch in (kept, new):
        if batch:
            session.execute(insert(Turn), batch)


def replace_codings_and_memos(
    session: Session, document_id: int, coding_rows: list[dict[str, Any]], memo_rows: list[dict[str, Any]]
) -> None:
    """Put back exactly these codings and memos (original ids), after removing the document's current ones."""
    current = [r["id"] for r in codings(session, document_id)]
    memo_ids = [r["id"] for r in memos(session, document_id, current)]
    if memo_ids:
        session.execute(delete(Memo).where(Memo.id.in_(memo_ids)))
    if current:
        session.execute(delete(Coding).where(Coding.id.in_(current)))
    if coding_rows:
        session.execute(insert(Coding), coding_rows)
    if memo_rows:
        session.execute(insert(Memo), memo_rows)


def update_coding_spans(session: Session, spans: dict[int, tuple[int, int]]) -> None:
    for coding_id, (start, end) in spans.items():
        session.execute(update(Coding).where(Coding.id == coding_id).values(start=start, end=end))


def delete_codings(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(delete(Coding).where(Coding.id.in_(ids)))


def update_memo_anchors(session: Session, anchors: dict[int, tuple[int, int] | None]) -> None:
    for memo_id, anchor in anchors.items():
        start, end = anchor if anchor is not None else (None, None)
        session.execute(update(Memo).where(Memo.id == memo_id).values(start=start, end=end))


def set_document_text(session: Session, document_id: int, text: str, text_hash: str, modified_at) -> None:
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(text=text, text_hash=text_hash, modified_at=modified_at)
    )


def add_history(session: Session, row: dict[str, Any]) -> int:
    return session.execute(insert(DocumentEdit).values(**row).returning(DocumentEdit.id)).scalar_one()


def remove_history(session: Session, edit_id: int) -> None:
    session.execute(delete(DocumentEdit).where(DocumentEdit.id == edit_id))


def history(session: Session, document_id: int) -> list[DocumentEdit]:
    return list(
        session.scalars(
            select(DocumentEdit).where(DocumentEdit.document_id == document_id).order_by(DocumentEdit.id)
        )
    )


def document_texts(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, text) of every document, in id order."""
    return [
        tuple(row)
        for row in session.execute(select(Document.id, Document.name, Document.text).order_by(Document.id))
    ]


def locked_document(session: Session, document_id: int) -> Document | None:
    """The document, its row locked until the transaction ends on a server (two corrections of one document
    wait for each other there; SQLite writers are serialised anyway). Read afresh, not from the session."""
    statement = (
        select(Document)
        .where(Document.id == document_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(statement).first()


def shared_versions(session: Session, document_ids: list[int]) -> dict[int, int]:
    """Versions of these documents, each row share-locked until the transaction ends on a server: a correction
    under way finishes first, and no correction starts before this transaction commits."""
    statement = (
        select(Document.id, Document.version).where(Document.id.in_(document_ids)).with_for_update(read=True)
    )
    return {row.id: row.version for row in session.execute(statement)}


def document_version(session: Session, document_id: int) -> int | None:
    return session.scalar(select(Document.version).where(Document.id == document_id))


def move_version_on(session: Session, document_id: int) -> int:
    """The document's text or turns changed: its version moves on by one; returns the new version."""
    statement = (
        update(Document)
        .where(Document.id == document_id)
        .values(version=Document.version + 1)
        .returning(Document.version)
    )
    return session.execute(statement).scalar_one()


def last_editor(session: Session, document_id: int) -> str | None:
    """The name of the coder behind the document's latest recorded correction, if one was named."""
    statement = (
        select(Coder.name)
        .join(DocumentEdit, DocumentEdit.coder_id == Coder.id)
        .where(DocumentEdit.document_id == document_id)
        .order_by(DocumentEdit.id.desc())
        .limit(1)
    )
    return session.scalar(statement)
