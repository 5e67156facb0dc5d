"""Project-wide facts: metadata and counts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.storage.models import (
    Code,
    Coder,
    Coding,
    Document,
    Dyad,
    Memo,
    Participant,
    ProjectMeta,
    Turn,
)
from app.storage.models import Session as StudySession


def meta(session: Session, key: str) -> str | None:
    row = session.get(ProjectMeta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(ProjectMeta, key)
    if row is None:
        session.add(ProjectMeta(key=key, value=value))
    else:
        row.value = value


def counts(session: Session) -> dict[str, int]:
    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "dyads": count(Dyad),
        "participants": count(Participant),
        "sessions": count(StudySession),
        "documents": count(Document),
        "turns": count(Turn),
        "codes": count(Code),
        "codings": count(Coding),
        "coders": count(Coder),
        "memos": count(Memo),
    }
