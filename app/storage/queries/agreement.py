"""Queries for inter-coder agreement: the selected documents, the codes, and two coders' codings."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.storage.models import Code, Coder, Coding, Document, Dyad
from app.storage.models import Session as StudySession
from app.storage.queries.lookup import optional_coder_by_name


def selected_documents(
    session: Session,
    *,
    document_ids: Collection[int] | None = None,
    dyad_ids: Collection[int] | None = None,
    session_numbers: Collection[int] | None = None,
    perspectives: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> list[Any]:
    """Rows (id, name, length, dyad, session, perspective) of the documents matching every given filter.

    `length` is SQLite's length() of the text: code points, the unit of every stored position.
    """
    statement = (
        select(
            Document.id,
            Document.name,
            Document.length.label("length"),
            Dyad.name.label("dyad"),
            StudySession.number.label("session"),
            Document.perspective,
        )
        .outerjoin(Dyad, Document.dyad_id == Dyad.id)
        .outerjoin(StudySession, Document.session_id == StudySession.id)
    )
    if document_ids is not None:
        statement = statement.where(Document.id.in_(list(document_ids)))
    if dyad_ids is not None:
        statement = statement.where(Document.dyad_id.in_(list(dyad_ids)))
    if session_numbers is not None:
        statement = statement.where(StudySession.number.in_(list(session_numbers)))
    if perspectives is not None:
        statement = statement.where(Document.perspective.in_(list(perspectives)))
    if kinds is not None:
        statement = statement.where(Document.kind.in_(list(kinds)))
    statement = statement.order_by(Dyad.name.is_(None), Dyad.name, StudySession.number, Document.name)
    return list(session.execute(statement))


def codes_in_tree_order(session: Session) -> list[tuple[int, str, int | None]]:
    """(id, name, parent id) of every code, parents before children, siblings by position then name."""
    rows = session.execute(
        select(Code.id, Code.name, Code.parent_id, Code.position).order_by(Code.position, Code.name)
    )
    children: dict[int | None, list[tuple[int, str, int | None]]] = {}
    for code_id, name, parent_id, _position in rows:
        children.setdefault(parent_id, []).append((code_id, name, parent_id))
    ordered: list[tuple[int, str, int | None]] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        item = stack.pop()
        ordered.append(item)
        stack.extend(reversed(children.get(item[0], [])))
    return ordered


def codings_of(
    session: Session,
    coder_ids: Collection[int],
    document_ids: Collection[int],
    code_ids: Collection[int] | None,
) -> list[Any]:
    """Rows (id, document_id, code_id, coder_id, start, end) of the coders' codings in the documents."""
    statement = select(
        Coding.id, Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end
    ).where(Coding.coder_id.in_(list(coder_ids)))
    ids = list(document_ids)
    if len(ids) < 500:  # a short IN list; otherwise filter in Python (SQLite's parameter limit)
        statement = statement.where(Coding.document_id.in_(ids))
    if code_ids is not None and len(code_ids) < 500:
        statement = statement.where(Coding.code_id.in_(list(code_ids)))
    wanted_docs = set(ids)
    wanted_codes = None if code_ids is None else set(code_ids)
    return [
        row
        for row in session.execute(statement.order_by(Coding.document_id, Coding.start, Coding.id))
        if row.document_id in wanted_docs and (wanted_codes is None or row.code_id in wanted_codes)
    ]


def texts_of(session: Session, document_ids: Collection[int]) -> dict[int, str]:
    rows = session.execute(select(Document.id, Document.text).where(Document.id.in_(list(document_ids))))
    return {doc_id: text for doc_id, text in rows}


def coders(session: Session) -> list[tuple[int, str]]:
    return [
        (coder_id, name)
        for coder_id, name in session.execute(select(Coder.id, Coder.name).order_by(Coder.name))
    ]


def dyad_names(session: Session) -> list[str]:
    return list(session.scalars(select(Dyad.name).order_by(Dyad.name)))


def session_numbers(session: Session) -> list[int]:
    return list(session.scalars(select(StudySession.number).distinct().order_by(StudySession.number)))


def perspectives_in_use(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Document.perspective)
            .where(Document.perspective.is_not(None))
            .distinct()
            .order_by(Document.perspective)
        )
    )


def coder_by_name(session: Session, name: str) -> int | None:
    """The id of the coder with this name (spaces collapsed; another letter case if unambiguous), or None."""
    found = optional_coder_by_name(session, " ".join(name.split()))
    return found.id if found is not None else None
