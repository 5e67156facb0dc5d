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


def counts(session: Session, names: tuple[str, ...] | None = None) -> dict[str, int]:
    """Rows of each kind of thing in the study; only those `names` when given (the turns of a large study
    take longest to count: a status bar showing dyads, documents, codes and codings need not count them)."""
    models = {
        "dyads": Dyad,
        "participants": Participant,
        "sessions": StudySession,
        "documents": Document,
        "turns": Turn,
        "codes": Code,
        "codings": Coding,
        "coders": Coder,
        "memos": Memo,
    }
    return {
        name: session.scalar(select(func.count()).select_from(model)) or 0
        for name, model in models.items()
        if names is None or name in names
    }


def server_database_bytes(session: Session) -> int:
    """The size of a server project's database, in bytes (PostgreSQL only)."""
    return int(session.scalar(select(func.pg_database_size(func.current_database()))) or 0)
