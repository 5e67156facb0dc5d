"""The audit log's rows: append one, read them in order."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.storage.models import AuditEntry


def lock_for_append(session: Session) -> None:
    """On a server, coders append at once: hold the log until this transaction ends, so two entries never
    claim the same place in the chain. (A project file has one writer at a time anyway.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))


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


def codings_per_coder(session: Session) -> list[tuple[str, int, int]]:
    """(coder, codings, documents coded) for every coder, for the ethics summary."""
    from sqlalchemy import func

    from app.storage.models import Coder, Coding

    rows = session.execute(
        select(Coder.name, func.count(Coding.id), func.count(func.distinct(Coding.document_id)))
        .outerjoin(Coding, Coding.coder_id == Coder.id)
        .group_by(Coder.id)
        .order_by(Coder.name)
    ).all()
    return [(name, codings, documents) for name, codings, documents in rows]
