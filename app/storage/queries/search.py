"""Queries of the search service: what the index must hold, and the codings that filter hits."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.storage.models import Code, Coder, Coding, Document, Dyad, Memo, Turn
from app.storage.models import Session as StudySession


def documents_to_index(session: Session) -> list[Any]:
    """(id, text_hash, dyad_id, dyad name, session number, perspective, kind) of every document."""
    statement = (
        select(
            Document.id,
            Document.text_hash,
            Document.dyad_id,
            Dyad.name,
            StudySession.number,
            Document.perspective,
            Document.kind,
        )
        .outerjoin(Dyad, Dyad.id == Document.dyad_id)
        .outerjoin(StudySession, StudySession.id == Document.session_id)
        .order_by(Document.id)
    )
    return list(session.execute(statement))


def turn_fingerprints(session: Session, document_ids: Collection[int] | None = None) -> dict[int, str]:
    """A digest of each document's turns (all documents when `document_ids` is None): it changes when a turn is
    added, removed, moved or relabelled, also when the text stays the same (split, merge, relabel)."""
    statement = select(Turn.document_id, Turn.start, Turn.end, Turn.speaker).order_by(
        Turn.document_id, Turn.start
    )
    if document_ids is not None:
        statement = statement.where(Turn.document_id.in_(list(document_ids)))
    digests: dict[int, Any] = {}
    for document_id, start, end, speaker in session.execute(statement):
        digest = digests.get(document_id)
        if digest is None:
            digest = digests[document_id] = hashlib.blake2b(digest_size=8)
        digest.update(f"{start}:{end}:{speaker or ''}\x1f".encode())
    return {document_id: digest.hexdigest() for document_id, digest in digests.items()}


def texts_and_turns(session: Session, document_ids: Collection[int]) -> dict[int, tuple[str, list[Any]]]:
    """{document id: (text, [(start, end, speaker)...] in text order)}."""
    ids = list(document_ids)
    texts = {
        row[0]: row[1]
        for row in session.execute(select(Document.id, Document.text).where(Document.id.in_(ids)))
    }
    result: dict[int, tuple[str, list[Any]]] = {ident: (text, []) for ident, text in texts.items()}
    statement = (
        select(Turn.document_id, Turn.start, Turn.end, Turn.speaker)
        .where(Turn.document_id.in_(ids))
        .order_by(Turn.document_id, Turn.start)
    )
    for document_id, start, end, speaker in session.execute(statement):
        result[document_id][1].append((start, end, speaker))
    return result


def memos_to_index(session: Session) -> list[Any]:
    """(id, title, text, document id, dyad id, dyad name, session number, perspective, author) of every memo.

    A memo on a document inherits that document's dyad, session and perspective, so filters apply to it.
    """
    statement = (
        select(
            Memo.id,
            Memo.title,
            Memo.text,
            Memo.document_id,
            func.coalesce(Memo.dyad_id, Document.dyad_id),
            Dyad.name,
            StudySession.number,
            Document.perspective,
            Coder.name,
        )
        .outerjoin(Document, Document.id == Memo.document_id)
        .outerjoin(Dyad, Dyad.id == func.coalesce(Memo.dyad_id, Document.dyad_id))
        .outerjoin(StudySession, StudySession.id == Document.session_id)
        .outerjoin(Coder, Coder.id == Memo.author_id)
        .order_by(Memo.id)
    )
    return list(session.execute(statement))


def document_names(session: Session, document_ids: Collection[int]) -> dict[int, str]:
    ids = list(document_ids)
    return {
        row[0]: row[1]
        for row in session.execute(select(Document.id, Document.name).where(Document.id.in_(ids)))
    }


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


_STATE_TOKEN = text(
    "SELECT (SELECT value FROM project_meta WHERE key = 'content_version'),"
    " (SELECT group_concat(id || ':' || text_hash || ':' || ifnull(dyad_id, '') || ':' || ifnull(session_id, '')"
    "  || ':' || ifnull(perspective, '') || ':' || kind, ',') FROM documents),"
    " (SELECT group_concat(id || '=' || name, ',') FROM dyads),"
    " (SELECT group_concat(id || '=' || number, ',') FROM sessions),"
    " (SELECT count(*) || ':' || ifnull(max(id), '') || ':' || ifnull(max(updated_at), '') || ':'"
    "  || total(length(text) + length(title)) FROM memos)"
)


def state_token(session: Session) -> str:
    """One string that changes whenever anything the search index holds may have changed: the content
    version, every document's text hash and place in the study, dyad names, session numbers, and memos.

    Plain SQL on purpose: SQLite computes it in tens of microseconds, while building the same statement with
    SQLAlchemy's expression language costs milliseconds a call, and this runs before every search.
    """
    return "|".join(str(value) for value in session.execute(_STATE_TOKEN).one())
