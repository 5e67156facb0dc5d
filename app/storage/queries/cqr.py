"""Queries behind the CQR workbench: which codes each case coded, core ideas, audit comments, settings."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.storage.models import (
    AttributeDefinition,
    AttributeValue,
    Code,
    Coder,
    Coding,
    CqrAuditAnswer,
    CqrAuditComment,
    CqrCoreIdea,
    CqrCoreIdeaExcerpt,
    CqrSetting,
    Document,
    Dyad,
)


def dyads(session: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(select(Dyad.id, Dyad.name).order_by(Dyad.name))]


def document_perspectives(session: Session) -> list[tuple[int, str]]:
    """Distinct (dyad id, perspective) of the documents that have both."""
    statement = (
        select(Document.dyad_id, Document.perspective)
        .where(Document.dyad_id.is_not(None), Document.perspective.is_not(None))
        .distinct()
    )
    return [(d, p) for d, p in session.execute(statement)]


def coded_codes(session: Session, coder_ids: Collection[int] | None) -> list[tuple[int, str | None, int]]:
    """Distinct (dyad id, perspective or None, code id) with at least one coding (by the chosen coders)."""
    statement = (
        select(Document.dyad_id, Document.perspective, Coding.code_id)
        .join(Document, Document.id == Coding.document_id)
        .where(Document.dyad_id.is_not(None))
        .distinct()
    )
    if coder_ids is not None:
        statement = statement.where(Coding.coder_id.in_(list(coder_ids)))
    return [(d, p, c) for d, p, c in session.execute(statement)]


def dyad_attributes(session: Session) -> list[tuple[int, str, str]]:
    """(dyad id, attribute name, value) of every dyad attribute value."""
    statement = (
        select(AttributeValue.dyad_id, AttributeDefinition.name, AttributeValue.value)
        .join(AttributeDefinition, AttributeDefinition.id == AttributeValue.definition_id)
        .where(AttributeDefinition.scope == "dyad", AttributeValue.dyad_id.is_not(None))
    )
    return [(d, n, v) for d, n, v in session.execute(statement)]


def codes(session: Session) -> list[tuple[int, int | None, str, int]]:
    return [
        (i, p, n, pos)
        for i, p, n, pos in session.execute(select(Code.id, Code.parent_id, Code.name, Code.position))
    ]


# -- settings -------------------------------------------------------------------------------------


def settings(session: Session) -> dict[str, str]:
    return {k: v for k, v in session.execute(select(CqrSetting.key, CqrSetting.value))}


def replace_settings(session: Session, values: dict[str, str]) -> None:
    session.execute(delete(CqrSetting))
    session.add_all(CqrSetting(key=k, value=v) for k, v in values.items())


# -- core ideas -----------------------------------------------------------------------------------


def core_idea(session: Session, dyad_id: int, perspective: str, domain_id: int) -> CqrCoreIdea | None:
    return session.scalar(
        select(CqrCoreIdea).where(
            CqrCoreIdea.dyad_id == dyad_id,
            CqrCoreIdea.perspective == perspective,
            CqrCoreIdea.domain_id == domain_id,
        )
    )


def core_ideas(session: Session) -> list[tuple[int, int, str, int, str, str | None]]:
    """(id, dyad id, perspective, domain id, text, author name) of every core idea."""
    statement = select(
        CqrCoreIdea.id, CqrCoreIdea.dyad_id, CqrCoreIdea.perspective, CqrCoreIdea.domain_id, CqrCoreIdea.text,
        Coder.name,
    ).outerjoin(Coder, Coder.id == CqrCoreIdea.author_id)  # fmt: skip
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


def core_idea_excerpts(session: Session) -> list[tuple[int, int]]:
    """(core idea id, coding id) links, in coding order."""
    statement = select(CqrCoreIdeaExcerpt.core_idea_id, CqrCoreIdeaExcerpt.coding_id).order_by(
        CqrCoreIdeaExcerpt.core_idea_id, CqrCoreIdeaExcerpt.coding_id
    )
    return [(i, c) for i, c in session.execute(statement)]


def set_excerpts(session: Session, core_idea_id: int, coding_ids: Collection[int]) -> None:
    session.execute(delete(CqrCoreIdeaExcerpt).where(CqrCoreIdeaExcerpt.core_idea_id == core_idea_id))
    session.add_all(
        CqrCoreIdeaExcerpt(core_idea_id=core_idea_id, coding_id=c) for c in sorted(set(coding_ids))
    )


def existing_codings(session: Session, coding_ids: Collection[int]) -> set[int]:
    return set(session.scalars(select(Coding.id).where(Coding.id.in_(list(coding_ids)))))


def case_codings(
    session: Session,
    dyad_id: int,
    perspective: str | None,
    code_ids: Collection[int],
    coder_ids: Collection[int] | None,
) -> list[Any]:
    """Rows (coding id, document name, code name, coder name, start, end, document text) of one case."""
    statement = (
        select(Coding.id, Document.name, Code.name, Coder.name, Coding.start, Coding.end, Document.text)
        .join(Document, Document.id == Coding.document_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Document.dyad_id == dyad_id, Coding.code_id.in_(list(code_ids)))
        .order_by(Document.name, Coding.start, Coding.id)
    )
    if perspective:
        statement = statement.where(Document.perspective == perspective)
    if coder_ids is not None:
        statement = statement.where(Coding.coder_id.in_(list(coder_ids)))
    return list(session.execute(statement))


def codings_by_id(session: Session, coding_ids: Collection[int]) -> list[Any]:
    """Rows (coding id, document name, code name, coder name, start, end, document text)."""
    statement = (
        select(Coding.id, Document.name, Code.name, Coder.name, Coding.start, Coding.end, Document.text)
        .join(Document, Document.id == Coding.document_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.id.in_(list(coding_ids)))
    )
    return list(session.execute(statement))


# -- audit ----------------------------------------------------------------------------------------


def audit_comments(session: Session) -> list[CqrAuditComment]:
    return list(
        session.scalars(select(CqrAuditComment).order_by(CqrAuditComment.created_at, CqrAuditComment.id))
    )


def audit_answers(session: Session) -> list[CqrAuditAnswer]:
    return list(
        session.scalars(select(CqrAuditAnswer).order_by(CqrAuditAnswer.created_at, CqrAuditAnswer.id))
    )
