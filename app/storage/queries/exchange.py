"""Queries for exchanging projects and codebooks with other tools (REFI-QDA, CSV, DOCX reports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.storage.models import (
    AttributeDefinition,
    AttributeValue,
    Base,
    Code,
    Coder,
    CodeSet,
    Coding,
    Document,
    Dyad,
    DyadMember,
    Memo,
    Participant,
    SetMember,
    Turn,
)
from app.storage.models import Session as StudySession

# Everything a project export carries, in an order where parents come before children.
EXPORTED = (
    Coder,
    Code,
    Dyad,
    StudySession,
    Participant,
    DyadMember,
    AttributeDefinition,
    AttributeValue,
    Document,
    Turn,
    Coding,
    Memo,
    CodeSet,
    SetMember,
)


def rows(session: Session, model: type[Base], *order: Any) -> list[dict[str, Any]]:
    """All rows of `model` as plain dicts (column name -> value), ordered by `order` or by id."""
    table = model.__table__  # type: ignore[attr-defined]
    keys = order or tuple(table.primary_key.columns)
    return [dict(row._mapping) for row in session.execute(select(table).order_by(*keys))]


def snapshot(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every exported table's rows by table name."""
    result = {}
    for model in EXPORTED:
        table = model.__table__  # type: ignore[attr-defined]
        order = (table.c.position, table.c.id) if model is Code else ()
        result[table.name] = rows(session, model, *order)
    return result


def codes(session: Session) -> list[Code]:
    return list(session.scalars(select(Code).order_by(Code.parent_id, Code.position, Code.id)))


def coders(session: Session) -> list[Coder]:
    return list(session.scalars(select(Coder).order_by(Coder.id)))


def code_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per code id: (codings, documents coded)."""
    statement = select(
        Coding.code_id, func.count(Coding.id), func.count(func.distinct(Coding.document_id))
    ).group_by(Coding.code_id)
    return {code_id: (n, docs) for code_id, n, docs in session.execute(statement)}


def existing_guids(session: Session, model: type[Base], guids: Sequence[str]) -> set[str]:
    """Which of `guids` are already taken in `model`'s table (GUIDs are unique per table)."""
    column = model.__table__.c.guid  # type: ignore[attr-defined]
    found: set[str] = set()
    unique = list(dict.fromkeys(guids))
    for index in range(0, len(unique), 500):
        chunk = unique[index : index + 500]
        found.update(session.scalars(select(column).where(column.in_(chunk))))
    return found


def names(session: Session, model: type[Base]) -> set[str]:
    column = model.__table__.c.name  # type: ignore[attr-defined]
    return set(session.scalars(select(column)))


def bulk_insert(session: Session, model: type[Base], values: list[dict[str, Any]]) -> None:
    """Many rows at once (Core insert inside the caller's transaction)."""
    if values:
        session.execute(insert(model.__table__), values)  # type: ignore[attr-defined]


def max_code_position(session: Session, parent_id: int | None) -> int:
    condition = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    return session.scalar(select(func.max(Code.position)).where(condition)) or 0


def coding_rows(
    session: Session, *, code_ids: Sequence[int] | None = None, coder_id: int | None = None
) -> list[dict[str, Any]]:
    """Codings with what a report prints: code, coder, document, dyad, session, perspective, kind."""
    statement = (
        select(
            Coding.id,
            Coding.guid,
            Coding.code_id,
            Coding.start,
            Coding.end,
            Coding.created_at,
            Code.name.label("code"),
            Coder.name.label("coder"),
            Document.id.label("document_id"),
            Document.name.label("document"),
            Document.perspective,
            Document.kind,
            Dyad.name.label("dyad"),
            StudySession.number.label("session"),
        )
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Document, Document.id == Coding.document_id)
        .outerjoin(Dyad, Dyad.id == Document.dyad_id)
        .outerjoin(StudySession, StudySession.id == Document.session_id)
        .order_by(
            Code.id,
            Dyad.name,
            Document.perspective,
            StudySession.number,
            Document.id,
            Coding.start,
            Coding.id,
        )
    )
    if code_ids is not None:
        statement = statement.where(Coding.code_id.in_(list(code_ids)))
    if coder_id is not None:
        statement = statement.where(Coding.coder_id == coder_id)
    return [dict(row._mapping) for row in session.execute(statement)]


def document_texts(session: Session, ids: Sequence[int]) -> dict[int, str]:
    return dict(session.execute(select(Document.id, Document.text).where(Document.id.in_(list(ids)))).all())  # type: ignore[arg-type]


def turns_of_documents(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[int, int, str | None]]]:
    """Per document: its turns (start, end, speaker) in order, to name the speaker of an excerpt."""
    result: dict[int, list[tuple[int, int, str | None]]] = {}
    statement = (
        select(Turn.document_id, Turn.start, Turn.end, Turn.speaker)
        .where(Turn.document_id.in_(list(ids)))
        .order_by(Turn.document_id, Turn.start)
    )
    for document_id, start, end, speaker in session.execute(statement):
        result.setdefault(document_id, []).append((start, end, speaker))
    return result


def by_guid(session: Session, model: type[Base], guid: str) -> Any:
    """The row of `model` with `guid` (case-insensitively), or None."""
    column = model.__table__.c.guid  # type: ignore[attr-defined]
    return session.scalars(select(model).where(func.lower(column) == guid.lower())).first()


def ids_by_guid(session: Session, model: type[Base], guids: Sequence[str]) -> dict[str, int]:
    table = model.__table__  # type: ignore[attr-defined]
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(guids))
    for index in range(0, len(unique), 500):
        chunk = unique[index : index + 500]
        found.update(
            {
                g: i
                for g, i in session.execute(select(table.c.guid, table.c.id).where(table.c.guid.in_(chunk)))
            }
        )
    return found


def code_by_id(session: Session, code_id: int) -> Code | None:
    return session.get(Code, code_id)


def set_members(session: Session, set_id: int) -> list[dict[str, Any]]:
    table = SetMember.__table__
    return [dict(r._mapping) for r in session.execute(select(table).where(table.c.set_id == set_id))]
