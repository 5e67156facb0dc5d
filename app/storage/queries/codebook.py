"""The codebook: codes, their usage, and the rows that hang on them (codings, memos, set members)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, distinct, func, insert, select, update
from sqlalchemy.orm import Session

from app.storage.models import Code, Coding, Memo, SetMember
from app.storage.queries.rows import CODE_COLUMNS, CODING_COLUMNS, MEMO_COLUMNS
from app.storage.queries.rows import rows as _rows


def code_rows(session: Session, *where) -> list[dict[str, Any]]:
    return _rows(session, Code, CODE_COLUMNS, *where)


def keyed_codes(session: Session) -> list[tuple[int, str]]:
    statement = select(Code.shortcut, Code.name).where(Code.shortcut.is_not(None)).order_by(Code.shortcut)
    return [(shortcut, name) for shortcut, name in session.execute(statement)]


def usage(
    session: Session, coder_ids: Sequence[int] | None, code_ids: Sequence[int] | None = None
) -> dict[int, tuple[int, int]]:
    """code id -> (number of codings, number of documents), for some coders or for all; for some codes only
    when `code_ids` is given (codes without codings are absent)."""
    statement = select(Coding.code_id, func.count(), func.count(distinct(Coding.document_id))).group_by(
        Coding.code_id
    )
    if coder_ids is not None:
        statement = statement.where(Coding.coder_id.in_(list(coder_ids)))
    if code_ids is not None:
        statement = statement.where(Coding.code_id.in_(list(code_ids)))
    return {code_id: (n, docs) for code_id, n, docs in session.execute(statement)}


def siblings(session: Session, parent_id: int | None) -> list[Code]:
    condition = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    return list(session.scalars(select(Code).where(condition).order_by(Code.position, Code.name, Code.id)))


def sibling_named(
    session: Session, parent_id: int | None, name: str, exclude: int | None = None
) -> Code | None:
    condition = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    statement = select(Code).where(condition, func.lower(Code.name) == name.lower())
    if exclude is not None:
        statement = statement.where(Code.id != exclude)
    return session.scalars(statement).first()


def max_position(session: Session, parent_id: int | None) -> int:
    condition = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    return session.scalar(select(func.max(Code.position)).where(condition)) or 0


def code_with_shortcut(session: Session, shortcut: int) -> Code | None:
    return session.scalars(select(Code).where(Code.shortcut == shortcut)).first()


def colors_in_use(session: Session) -> list[str]:
    return list(session.scalars(select(Code.color)))


def codings_of_codes(session: Session, code_ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = list(code_ids)
    return _rows(session, Coding, CODING_COLUMNS, Coding.code_id.in_(ids)) if ids else []


def memos_on(session: Session, code_ids: Iterable[int], coding_ids: Iterable[int]) -> list[dict[str, Any]]:
    codes, codings = list(code_ids), list(coding_ids)
    condition = Memo.code_id.in_(codes)
    if codings:
        condition = condition | Memo.coding_id.in_(codings)
    return _rows(session, Memo, MEMO_COLUMNS, condition)


def set_members_of(session: Session, code_ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = list(code_ids)
    return _rows(session, SetMember, ("id", "set_id", "code_id", "document_id"), SetMember.code_id.in_(ids))


def insert_rows(session: Session, model, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def delete_ids(session: Session, model, ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        session.execute(delete(model).where(model.id.in_(ids)))


def set_values(session: Session, model, ids: Iterable[int], **values: Any) -> None:
    ids = list(ids)
    if ids:
        session.execute(update(model).where(model.id.in_(ids)).values(**values))


def set_each(session: Session, model, values_by_id: dict[int, dict[str, Any]]) -> None:
    for row_id, values in values_by_id.items():
        session.execute(update(model).where(model.id == row_id).values(**values))


def children_of(session: Session, code_id: int) -> list[int]:
    return list(session.scalars(select(Code.id).where(Code.parent_id == code_id)))


def guid_taken(session: Session, guid: str) -> bool:
    return session.scalar(select(func.count()).select_from(Code).where(Code.guid == guid)) != 0
