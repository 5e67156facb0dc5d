"""What one participant's data is: their documents, their turns in shared documents, what hangs on those."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.storage.models import (
    AttributeValue,
    Coding,
    Document,
    DocumentEdit,
    DyadMember,
    Memo,
    Participant,
    Turn,
)


def own_documents(session: Session, participant_id: int) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.participant_id == participant_id)))


def memberships(session: Session, participant_id: int) -> list[DyadMember]:
    return list(session.scalars(select(DyadMember).where(DyadMember.participant_id == participant_id)))


def shared_documents(session: Session, dyad_ids: list[int], excluded: list[int]) -> list[Document]:
    """Documents of the dyads that belong to nobody in particular (a session transcript, a field note)."""
    return list(
        session.scalars(
            select(Document)
            .where(
                Document.dyad_id.in_(dyad_ids),
                Document.participant_id.is_(None),
                Document.id.not_in(excluded),
            )
            .order_by(Document.id)
        )
    )


def turns_of_speakers(session: Session, document_id: int, labels: set[str]) -> list[Turn]:
    return list(
        session.scalars(
            select(Turn)
            .where(Turn.document_id == document_id, func.lower(func.trim(Turn.speaker)).in_(labels))
            .order_by(Turn.start)
        )
    )


def count_codings(session: Session, document_ids: list[int]) -> int:
    return (
        session.scalar(select(func.count()).select_from(Coding).where(Coding.document_id.in_(document_ids)))
        or 0
    )


def count_codings_within(session: Session, document_id: int, spans: list[tuple[int, int]]) -> int:
    rows = session.execute(select(Coding.start, Coding.end).where(Coding.document_id == document_id)).all()
    return sum(1 for start, end in rows if any(start < e and s < end for s, e in spans))


def count_memos(session: Session, document_ids: list[int]) -> int:
    coding_ids = select(Coding.id).where(Coding.document_id.in_(document_ids))
    return (
        session.scalar(
            select(func.count())
            .select_from(Memo)
            .where(Memo.document_id.in_(document_ids) | Memo.coding_id.in_(coding_ids))
        )
        or 0
    )


def count_attributes(session: Session, participant_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(AttributeValue)
            .where(AttributeValue.participant_id == participant_id)
        )
        or 0
    )


def delete_documents(session: Session, document_ids: list[int]) -> None:
    session.execute(delete(Document).where(Document.id.in_(document_ids)))


def delete_history(session: Session, document_ids: list[int], keep: list[int]) -> None:
    """Drop the edit history of documents (it can quote erased words), keeping the erasure's own entries."""
    session.execute(
        delete(DocumentEdit).where(DocumentEdit.document_id.in_(document_ids), DocumentEdit.id.not_in(keep))
    )


def delete_participant(session: Session, participant_id: int) -> None:
    session.execute(delete(Participant).where(Participant.id == participant_id))
