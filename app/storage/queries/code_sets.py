"""Queries for code sets: a set's values in codebook order, the marked sets, and codings that would give a
passage a second value of a set."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.storage.models import Code, Coding


def children(session: Session, parent_id: int) -> list[Code]:
    return list(
        session.scalars(select(Code).where(Code.parent_id == parent_id).order_by(Code.position, Code.name))
    )


def has_children(session: Session, code_id: int) -> bool:
    return session.scalar(select(Code.id).where(Code.parent_id == code_id).limit(1)) is not None


def marked_set_ids(session: Session) -> list[int]:
    return list(
        session.scalars(select(Code.id).where(Code.is_set.is_(True)).order_by(Code.position, Code.name))
    )


def set_parents(session: Session, code_ids: Sequence[int]) -> dict[int, int]:
    """{code id: its parent's id} for those of the codes that are values of a marked set."""
    parent = aliased(Code)
    rows = session.execute(
        select(Code.id, Code.parent_id)
        .join(parent, parent.id == Code.parent_id)
        .where(Code.id.in_(list(code_ids)), parent.is_set.is_(True))
    )
    return {code_id: parent_id for code_id, parent_id in rows}


def other_values_overlapping(
    session: Session, document_id: int, coder_id: int, set_id: int, code_id: int, start: int, end: int
) -> list[tuple[int, str, str]]:
    """(coding id, value name, set name) of the coder's codings of other values of the set over start..end."""
    value = aliased(Code)
    rows = session.execute(
        select(Coding.id, value.name, Code.name)
        .join(value, value.id == Coding.code_id)
        .join(Code, Code.id == value.parent_id)
        .where(
            Coding.document_id == document_id,
            Coding.coder_id == coder_id,
            value.parent_id == set_id,
            Coding.code_id != code_id,
            Coding.start < end,
            Coding.end > start,
        )
    )
    return [(coding_id, value_name, set_name) for coding_id, value_name, set_name in rows]
