"""Coded excerpts with the study facts a reader filters by; the text is sliced in Python from `texts_of`."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.storage.models import Code, Coder, Coding, Document, Dyad
from app.storage.models import Session as StudySession


def excerpt_facts(session: Session, *where) -> list[Any]:
    """Codings with their document, dyad, session number, perspective, code (name, colour) and coder name.

    No text: slicing each excerpt out of its document in SQL reads the whole document once a row."""
    statement = (
        select(
            Coding.id.label("coding_id"),
            Coding.document_id,
            Document.name.label("document"),
            Dyad.name.label("dyad"),
            StudySession.number.label("session"),
            Document.perspective,
            Coder.name.label("coder"),
            Code.name.label("code"),
            Code.color.label("code_color"),
            Coding.start,
            Coding.end,
        )
        .join(Document, Coding.document_id == Document.id)
        .join(Code, Coding.code_id == Code.id)
        .join(Coder, Coding.coder_id == Coder.id)
        .outerjoin(Dyad, Document.dyad_id == Dyad.id)
        .outerjoin(StudySession, Document.session_id == StudySession.id)
        .where(*where)
    )
    return list(session.execute(statement))


def texts_of(session: Session, document_ids: Collection[int]) -> dict[int, str]:
    if not document_ids:
        return {}
    statement = select(Document.id, Document.text).where(Document.id.in_(list(document_ids)))
    return {row.id: row.text for row in session.execute(statement)}


def code_outline(session: Session) -> list[Any]:
    """(id, parent_id, name, color) of every code: enough to find a code's descendants, without counts."""
    return list(session.execute(select(Code.id, Code.parent_id, Code.name, Code.color)))
