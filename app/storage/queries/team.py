"""Rows compared and inserted when coders' copies of a project are merged back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.storage.models import Code, Coder, Coding, Document, Dyad, Memo


def documents(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Document.id, Document.guid, Document.name, Document.text_hash))
    return [dict(r._mapping) for r in rows]


def codes(session: Session) -> list[dict[str, Any]]:
    columns = (Code.id, Code.guid, Code.parent_id, Code.name, Code.color, Code.definition, Code.inclusion,
               Code.exclusion, Code.example, Code.position, Code.codable)  # fmt: skip
    return [dict(r._mapping) for r in session.execute(select(*columns).order_by(Code.id))]


def coders(session: Session) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in session.execute(select(Coder.id, Coder.guid, Coder.name, Coder.color))]


def codings(session: Session) -> list[dict[str, Any]]:
    columns = (Coding.id, Coding.guid, Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start,
               Coding.end, Coding.created_at, Coding.updated_at)  # fmt: skip
    return [dict(r._mapping) for r in session.execute(select(*columns).order_by(Coding.id))]


def memos(session: Session) -> list[dict[str, Any]]:
    columns = (Memo.id, Memo.guid, Memo.target, Memo.document_id, Memo.code_id, Memo.coding_id, Memo.dyad_id,
               Memo.start, Memo.end, Memo.author_id, Memo.title, Memo.text, Memo.created_at, Memo.updated_at)  # fmt: skip
    return [dict(r._mapping) for r in session.execute(select(*columns).order_by(Memo.id))]


def dyads(session: Session) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in session.execute(select(Dyad.id, Dyad.name).order_by(Dyad.id))]


def insert_one(session: Session, model, row: dict[str, Any]) -> int:
    return session.execute(insert(model).values(**row).returning(model.id)).scalar_one()


def delete_ids(session: Session, model, ids: list[int]) -> None:
    if ids:
        session.execute(delete(model).where(model.id.in_(ids)))


def delete_codings_except_coder(session: Session, coder_id: int | None) -> None:
    """Blind copies: only the receiving coder's own codings stay (and, with them, only their memos)."""
    statement = delete(Coding) if coder_id is None else delete(Coding).where(Coding.coder_id != coder_id)
    session.execute(statement)
