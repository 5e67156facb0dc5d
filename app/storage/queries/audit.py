"""The audit log's rows: append one, read them in order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.storage.models import AuditEntry


def last(session: Session) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))


def append(session: Session, **values: str) -> AuditEntry:
    entry = AuditEntry(**values)
    session.add(entry)
    session.flush()
    return entry


def next_id(session: Session) -> int:
    entry = last(session)
    return (entry.id if entry else 0) + 1


def entries(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
