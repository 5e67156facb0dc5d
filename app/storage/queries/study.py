"""Queries of the study structure: dyads, sessions, participants, attributes, documents and their turns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.storage.models import (
    AttributeDefinition,
    AttributeValue,
    Base,
    Document,
    Dyad,
    DyadMember,
    Participant,
    Turn,
)
from app.storage.models import Session as StudySession


def dyad_by_name(session: Session, name: str) -> Dyad | None:
    """Exact name first, then case-insensitive, so `d07` finds an existing `D07` instead of a twin."""
    found = session.scalars(select(Dyad).where(Dyad.name == name)).first()
    if found is None:
        found = session.scalars(select(Dyad).where(func.lower(Dyad.name) == name.lower())).first()
    return found


def study_session(session: Session, dyad_id: int, number: int) -> StudySession | None:
    return session.scalars(
        select(StudySession).where(StudySession.dyad_id == dyad_id, StudySession.number == number)
    ).first()


def document_name_taken(session: Session, name: str) -> bool:
    return session.scalar(select(func.count()).select_from(Document).where(Document.name == name)) != 0


def document_names_like(session: Session, base: str) -> set[str]:
    """Names equal to `base` or starting with `base (`: the candidates a unique suffix must avoid."""
    pattern = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + " (%"
    rows = session.scalars(
        select(Document.name).where((Document.name == base) | Document.name.like(pattern, escape="\\"))
    )
    return set(rows)


def insert_turns(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert of turn rows (executemany through Core: far faster than adding ORM objects)."""
    if rows:
        session.execute(insert(Turn), list(rows))


def document_summaries(session: Session, *, document_id: int | None = None) -> list[Any]:
    """Rows (id, name, dyad, session, perspective, kind, turns, chars) ordered by dyad, session, name."""
    turn_counts = select(Turn.document_id, func.count().label("n")).group_by(Turn.document_id).subquery()
    statement = (
        select(
            Document.id,
            Document.name,
            Dyad.name.label("dyad"),
            StudySession.number.label("session"),
            Document.perspective,
            Document.kind,
            func.coalesce(turn_counts.c.n, 0).label("turns"),
            Document.length.label("chars"),
        )
        .outerjoin(Dyad, Document.dyad_id == Dyad.id)
        .outerjoin(StudySession, Document.session_id == StudySession.id)
        .outerjoin(turn_counts, turn_counts.c.document_id == Document.id)
        .order_by(Dyad.name.is_(None), Dyad.name, StudySession.number, Document.name, Document.id)
    )
    if document_id is not None:
        statement = statement.where(Document.id == document_id)
    return list(session.execute(statement))


def turns_of(session: Session, document_id: int) -> list[Any]:
    return list(
        session.execute(
            select(
                Turn.start, Turn.end, Turn.speaker, Turn.time_start_ms, Turn.time_end_ms, Turn.video_ref_ms
            )
            .where(Turn.document_id == document_id)
            .order_by(Turn.start, Turn.id)
        )
    )


def dyads(session: Session) -> list[Dyad]:
    return list(session.scalars(select(Dyad).order_by(Dyad.name)))


def documents_per_dyad(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Document.dyad_id, func.count()).where(Document.dyad_id.is_not(None)).group_by(Document.dyad_id)
    )
    return {dyad_id: count for dyad_id, count in rows}


def sessions_of(session: Session, dyad_id: int) -> list[StudySession]:
    return list(
        session.scalars(
            select(StudySession).where(StudySession.dyad_id == dyad_id).order_by(StudySession.number)
        )
    )


def members_of(session: Session, dyad_id: int) -> list[tuple[str, str]]:
    """(participant name, role in the dyad) of a dyad's members."""
    rows = session.execute(
        select(Participant.name, DyadMember.role)
        .join(DyadMember, DyadMember.participant_id == Participant.id)
        .where(DyadMember.dyad_id == dyad_id)
        .order_by(DyadMember.role, Participant.name)
    )
    return [(name, role) for name, role in rows]


def participant_by_name(session: Session, name: str) -> Participant | None:
    found = session.scalars(select(Participant).where(Participant.name == name)).first()
    if found is None:
        found = session.scalars(
            select(Participant).where(func.lower(Participant.name) == name.lower())
        ).first()
    return found


def participants(session: Session) -> list[Participant]:
    return list(session.scalars(select(Participant).order_by(Participant.name)))


def membership(session: Session, dyad_id: int, participant_id: int) -> DyadMember | None:
    return session.get(DyadMember, (dyad_id, participant_id))


def dyads_of_participant(session: Session, participant_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Dyad.name)
            .join(DyadMember, DyadMember.dyad_id == Dyad.id)
            .where(DyadMember.participant_id == participant_id)
            .order_by(Dyad.name)
        )
    )


def attribute_definition(session: Session, scope: str, name: str) -> AttributeDefinition | None:
    return session.scalars(
        select(AttributeDefinition).where(
            AttributeDefinition.scope == scope, AttributeDefinition.name == name
        )
    ).first()


def attribute_definitions(session: Session, scope: str) -> list[AttributeDefinition]:
    return list(
        session.scalars(
            select(AttributeDefinition)
            .where(AttributeDefinition.scope == scope)
            .order_by(AttributeDefinition.name)
        )
    )


def attribute_value(
    session: Session, definition_id: int, *, participant_id: int | None = None, dyad_id: int | None = None
) -> AttributeValue | None:
    statement = select(AttributeValue).where(AttributeValue.definition_id == definition_id)
    if participant_id is not None:
        statement = statement.where(AttributeValue.participant_id == participant_id)
    else:
        statement = statement.where(AttributeValue.dyad_id == dyad_id)
    return session.scalars(statement).first()


def attribute_values_of(
    session: Session, *, participant_ids: Iterable[int] = (), dyad_ids: Iterable[int] = ()
) -> list[tuple[int | None, int | None, str, str, str]]:
    """(participant_id, dyad_id, attribute name, type, value) for the given owners."""
    p_ids, d_ids = list(participant_ids), list(dyad_ids)
    statement = select(
        AttributeValue.participant_id,
        AttributeValue.dyad_id,
        AttributeDefinition.name,
        AttributeDefinition.type,
        AttributeValue.value,
    ).join(AttributeDefinition, AttributeDefinition.id == AttributeValue.definition_id)
    statement = statement.where(
        AttributeValue.participant_id.in_(p_ids) | AttributeValue.dyad_id.in_(d_ids)
    ).order_by(AttributeDefinition.name)
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


# -- whole documents with everything that hangs on them (delete with undo) -------------------------


def rows_with_dependents(
    session: Session, table_name: str, ids: Sequence[int]
) -> dict[str, list[dict[str, Any]]]:
    """Rows of `table_name` with `ids` and every row that a delete would cascade to, by table, parents first.

    Generic over the models (turns, codings, memos on documents and on their codings, set members, edit
    history, and whatever later tables reference them with ON DELETE CASCADE), so a restore re-creates all
    of it without this module knowing each table.
    """
    tables = Base.metadata.sorted_tables  # parents before children
    root = Base.metadata.tables[table_name]
    captured: dict[str, list[dict[str, Any]]] = {
        table_name: [
            dict(row._mapping) for row in session.execute(select(root).where(root.c.id.in_(list(ids))))
        ]
    }
    for table in tables:
        if table.name == table_name:
            continue
        found: dict[tuple, dict[str, Any]] = {}
        for fk in table.foreign_keys:
            parent = fk.column.table.name
            if parent not in captured or (fk.ondelete or "").upper() != "CASCADE" or parent == table.name:
                continue
            values = {row[fk.column.name] for row in captured[parent]}
            if not values:
                continue
            statement = select(table).where(fk.parent.in_(list(values)))
            for row in session.execute(statement):
                mapping = dict(row._mapping)
                found[tuple(mapping[c.name] for c in table.primary_key.columns)] = mapping
        if found:
            captured[table.name] = list(found.values())
    return {t.name: captured[t.name] for t in tables if t.name in captured}


def insert_rows(session: Session, rows_by_table: dict[str, list[dict[str, Any]]]) -> None:
    """Insert rows captured by `rows_with_dependents`, with their original keys, parents first (columns the
    database generates itself, such as a document's length, are left to it)."""
    for table in Base.metadata.sorted_tables:
        rows = rows_by_table.get(table.name)
        if rows:
            generated = {column.name for column in table.columns if column.computed is not None}
            if generated:
                rows = [{k: v for k, v in row.items() if k not in generated} for row in rows]
            session.execute(insert(table), rows)


def delete_documents(session: Session, ids: Sequence[int]) -> None:
    """Delete documents; the database cascades to their turns, codings, memos, set members and edits."""
    session.execute(delete(Document).where(Document.id.in_(list(ids))))
