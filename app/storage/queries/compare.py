"""Queries behind the perspective comparison: a dyad's documents, turns and codings; presence across dyads."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.storage.models import (
    AttributeDefinition,
    AttributeValue,
    Code,
    Coder,
    Coding,
    Document,
    Dyad,
    Turn,
)
from app.storage.models import Session as StudySession


def codes(session: Session) -> list[Any]:
    """Rows (id, parent_id, name, color, position) of the whole codebook."""
    return list(session.execute(select(Code.id, Code.parent_id, Code.name, Code.color, Code.position)))


def session_numbers(session: Session, dyad_id: int) -> list[int]:
    return list(
        session.scalars(
            select(StudySession.number).where(StudySession.dyad_id == dyad_id).order_by(StudySession.number)
        )
    )


def dyad_documents(session: Session, dyad_id: int, numbers: Collection[int] | None) -> list[Any]:
    """Rows (id, name, perspective, kind, session number, text) of a dyad's documents.

    `numbers` None: every document of the dyad, with or without a session; otherwise only documents of
    those session numbers.
    """
    statement = (
        select(
            Document.id,
            Document.name,
            Document.perspective,
            Document.kind,
            StudySession.number,
            Document.text,
        )
        .outerjoin(StudySession, StudySession.id == Document.session_id)
        .where(Document.dyad_id == dyad_id)
        .order_by(StudySession.number, Document.name)
    )
    if numbers is not None:
        statement = statement.where(StudySession.number.in_(list(numbers)))
    return list(session.execute(statement))


def turns_of_documents(session: Session, document_ids: Collection[int]) -> list[Any]:
    """Rows (document_id, start, end, speaker, time_start_ms, video_ref_ms) ordered by document and start."""
    if not document_ids:
        return []
    return list(
        session.execute(
            select(
                Turn.document_id, Turn.start, Turn.end, Turn.speaker, Turn.time_start_ms, Turn.video_ref_ms
            )
            .where(Turn.document_id.in_(list(document_ids)))
            .order_by(Turn.document_id, Turn.start, Turn.id)
        )
    )


def codings_of_documents(
    session: Session, document_ids: Collection[int], coder_ids: Collection[int] | None = None
) -> list[Any]:
    """Rows (id, code_id, document_id, start, end, coder name) of the documents' codings."""
    if not document_ids:
        return []
    statement = (
        select(Coding.id, Coding.code_id, Coding.document_id, Coding.start, Coding.end, Coder.name)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.document_id.in_(list(document_ids)))
        .order_by(Coding.document_id, Coding.start, Coding.id)
    )
    if coder_ids is not None:
        statement = statement.where(Coding.coder_id.in_(list(coder_ids)))
    return list(session.execute(statement))


def dyad_attribute_values(session: Session, attribute: str) -> dict[int, str]:
    """Dyad id -> its value of the dyad attribute called `attribute` (case-insensitive name)."""
    rows = session.execute(
        select(AttributeValue.dyad_id, AttributeValue.value)
        .join(AttributeDefinition, AttributeDefinition.id == AttributeValue.definition_id)
        .where(
            AttributeDefinition.scope == "dyad",
            func.lower(AttributeDefinition.name) == attribute.lower(),
            AttributeValue.dyad_id.is_not(None),
        )
    )
    return {dyad_id: value for dyad_id, value in rows}


def dyad_attribute_exists(session: Session, attribute: str) -> bool:
    found = session.scalar(
        select(func.count())
        .select_from(AttributeDefinition)
        .where(AttributeDefinition.scope == "dyad", func.lower(AttributeDefinition.name) == attribute.lower())
    )
    return bool(found)


def dyad_attribute_names(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(AttributeDefinition.name)
            .where(AttributeDefinition.scope == "dyad")
            .order_by(AttributeDefinition.name)
        )
    )


def dyad_names(session: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(select(Dyad.id, Dyad.name).order_by(Dyad.name))]


def _session_filter(statement: Any, numbers: Collection[int] | None) -> Any:
    if numbers is None:
        return statement
    return statement.join(StudySession, StudySession.id == Document.session_id).where(
        StudySession.number.in_(list(numbers))
    )


def perspectives_by_dyad(session: Session, numbers: Collection[int] | None = None) -> list[tuple[int, str]]:
    """Distinct (dyad id, perspective) of documents with a perspective, in the selected session numbers."""
    statement = select(Document.dyad_id, Document.perspective).where(
        Document.dyad_id.is_not(None), Document.perspective.is_not(None)
    )
    statement = _session_filter(statement, numbers).distinct()
    return [(d, p) for d, p in session.execute(statement)]


def codings_by_dyad(
    session: Session, numbers: Collection[int] | None = None, coder_ids: Collection[int] | None = None
) -> list[tuple[int, str, int, int]]:
    """(dyad id, perspective, code id, codings) over documents with a dyad and a perspective."""
    statement = (
        select(Document.dyad_id, Document.perspective, Coding.code_id, func.count())
        .join(Document, Document.id == Coding.document_id)
        .where(Document.dyad_id.is_not(None), Document.perspective.is_not(None))
    )
    statement = _session_filter(statement, numbers)
    if coder_ids is not None:
        statement = statement.where(Coding.coder_id.in_(list(coder_ids)))
    statement = statement.group_by(Document.dyad_id, Document.perspective, Coding.code_id)
    return [(d, p, c, n) for d, p, c, n in session.execute(statement)]


def coder_names(session: Session) -> list[str]:
    return list(session.scalars(select(Coder.name).order_by(Coder.name)))


def session_media(session: Session, dyad_id: int, number: int) -> tuple[int, str | None] | None:
    """(session id, media path) of a dyad's session `number`, or None when there is no such session."""
    row = session.execute(
        select(StudySession.id, StudySession.media_path).where(
            StudySession.dyad_id == dyad_id, StudySession.number == number
        )
    ).first()
    return (row[0], row[1]) if row else None


def session_transcripts(session: Session, session_id: int) -> list[tuple[int, str]]:
    """(id, name) of the session-kind documents of a study session, the transcript first by name."""
    return [
        (i, n)
        for i, n in session.execute(
            select(Document.id, Document.name)
            .where(Document.session_id == session_id, Document.kind == "session")
            .order_by(Document.name)
        )
    ]


def dyad_document_ids(session: Session, dyad_id: int) -> list[int]:
    return list(session.scalars(select(Document.id).where(Document.dyad_id == dyad_id)))
