"""Queries of the search service: rebuilding the index, and the codings that filter hits."""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.domain.errors import SearchError
from app.storage import search_index, server_schema, server_search_index
from app.storage.models import Code, Coding, Document, Memo


def rebuild_search_index(session: Session, progress: Callable[[int, int], None]) -> tuple[int, int]:
    """Drop and recreate the FTS5 index and its triggers, index every turn and memo; (documents, memos)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # a server project's tsvector index
        # Made again as the database's owner (the lab's team role), as the migration made it, so that every
        # coder can still write it afterwards.
        server_schema.act_as_database_owner(connection)
        for statement in [*server_search_index.drop_statements(), *server_search_index.create_statements()]:
            connection.exec_driver_sql(statement)
        documents = server_search_index.fill(connection, progress)
        return documents, session.scalar(select(func.count()).select_from(Memo)) or 0
    try:
        for statement in search_index.drop_statements():
            connection.exec_driver_sql(statement)
    except DBAPIError as exc:  # FTS5 cannot even open its tables to drop them
        raise SearchError(
            "The search index is too damaged to rebuild in place: restore the project from a backup"
            " (File ▸ Restore from backup)."
        ) from exc
    for statement in search_index.create_statements():
        connection.exec_driver_sql(statement)
    document_ids = list(session.scalars(select(Document.id).order_by(Document.id)))
    search_index.fill(connection, document_ids, progress)
    memos = session.scalar(select(func.count()).select_from(Memo)) or 0
    return len(document_ids), memos


def code_and_descendants(session: Session, code_id: int) -> set[int]:
    """The code and every code below it in the codebook tree."""
    rows = session.execute(select(Code.id, Code.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for ident, parent in rows:
        children.setdefault(parent, []).append(ident)
    found, stack = set(), [code_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def coded_ranges(
    session: Session, document_ids: Collection[int], code_ids: Collection[int], coder_id: int | None = None
) -> dict[int, list[tuple[int, int]]]:
    """{document id: [(start, end)...]} of the codings with these codes (by one coder, or by anyone)."""
    statement = select(Coding.document_id, Coding.start, Coding.end).where(
        Coding.document_id.in_(list(document_ids)), Coding.code_id.in_(list(code_ids))
    )
    if coder_id is not None:
        statement = statement.where(Coding.coder_id == coder_id)
    result: dict[int, list[tuple[int, int]]] = {}
    for document_id, start, end in session.execute(statement):
        result.setdefault(document_id, []).append((start, end))
    return result
