"""Memos on the project, documents (optionally a range), codes, codings and dyads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.storage.models import Code, Coding, Document, Dyad, Memo
from app.storage.queries.rows import MEMO_COLUMNS, rows

TARGET_COLUMN = {
    "document": Memo.document_id,
    "code": Memo.code_id,
    "coding": Memo.coding_id,
    "dyad": Memo.dyad_id,
}


def memo_rows(session: Session, *where) -> list[dict[str, Any]]:
    return rows(session, Memo, MEMO_COLUMNS, *where)


def for_target(session: Session, target: str | None, target_id: int | None) -> list[dict[str, Any]]:
    if target is None:
        return memo_rows(session)
    where = [Memo.target == target]
    if target in TARGET_COLUMN and target_id is not None:
        where.append(TARGET_COLUMN[target] == target_id)
    return memo_rows(session, *where)


def coding_memo_texts(session: Session, document_id: int) -> dict[int, str]:
    statement = (
        select(Memo.coding_id, Memo.text)
        .join(Coding, Memo.coding_id == Coding.id)
        .where(Coding.document_id == document_id)
        .order_by(Memo.id)
    )
    texts: dict[int, str] = {}
    for coding_id, text in session.execute(statement):
        texts[coding_id] = f"{texts[coding_id]}\n{text}" if coding_id in texts else text
    return texts


def insert_row(session: Session, row: dict[str, Any]) -> None:
    session.execute(insert(Memo), [row])


def delete_memo(session: Session, memo_id: int) -> None:
    session.execute(delete(Memo).where(Memo.id == memo_id))


def target_label(session: Session, target: str, target_id: int) -> str | None:
    if target == "document":
        return session.scalar(select(Document.name).where(Document.id == target_id))
    if target == "code":
        return session.scalar(select(Code.name).where(Code.id == target_id))
    if target == "dyad":
        return session.scalar(select(Dyad.name).where(Dyad.id == target_id))
    if target == "coding":
        row = session.execute(
            select(Code.name, Document.name, Coding.start, Coding.end)
            .join(Code, Coding.code_id == Code.id)
            .join(Document, Coding.document_id == Document.id)
            .where(Coding.id == target_id)
        ).first()
        return None if row is None else f"{row[0]} in {row[1]} ({row[2]}–{row[3]})"
    return None


def coding_memo_lists(session: Session, coding_ids: list[int] | None = None) -> dict[int, list[str]]:
    """coding id -> the texts of its memos, oldest first (every coding when `coding_ids` is None)."""
    statement = select(Memo.coding_id, Memo.text).where(Memo.coding_id.is_not(None)).order_by(Memo.id)
    if coding_ids is not None:
        statement = statement.where(Memo.coding_id.in_(coding_ids))
    texts: dict[int, list[str]] = {}
    for coding_id, text in session.execute(statement):
        texts.setdefault(coding_id, []).append(text)
    return texts


def memo_listing(session: Session, document_id: int | None = None) -> list[dict[str, Any]]:
    """Every memo with the name of the document it concerns (its own, or its coding's) and its range."""
    statement = (
        select(
            Memo.id,
            Memo.text,
            Memo.target,
            Memo.start,
            Memo.end,
            func.coalesce(Memo.document_id, Coding.document_id).label("document_id"),
        )
        .outerjoin(Coding, Memo.coding_id == Coding.id)
        .order_by(Memo.id)
    )
    found = [dict(row._mapping) for row in session.execute(statement)]
    if document_id is not None:
        found = [row for row in found if row["document_id"] == document_id]
    names = {doc_id: name for doc_id, name in session.execute(select(Document.id, Document.name))}
    for row in found:
        row["document"] = names.get(row.pop("document_id"))
    return found
