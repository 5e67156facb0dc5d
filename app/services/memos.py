"""Memos: the analyst's notes on the project, a document (or a range of it), a code, a coding or a dyad."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.errors import InvalidInput, NotFound
from app.services.changes import Change
from app.services.project import Project
from app.storage.models import MEMO_TARGETS, Code, Coder, Coding, Document, Dyad, Memo, new_guid, utcnow
from app.storage.queries import lookup
from app.storage.queries import memos as queries

_TARGET_MODELS = {"document": Document, "code": Code, "coding": Coding, "dyad": Dyad}


@dataclass(frozen=True)
class MemoData:
    id: int
    guid: str
    target: str
    target_id: int | None
    document_id: int | None
    code_id: int | None
    coding_id: int | None
    dyad_id: int | None
    start: int | None
    end: int | None
    author_id: int | None
    title: str
    text: str
    created_at: datetime
    updated_at: datetime


def _data(row: dict[str, Any]) -> MemoData:
    target_id = {"document": row["document_id"], "code": row["code_id"], "coding": row["coding_id"],
                 "dyad": row["dyad_id"]}.get(row["target"])  # fmt: skip
    return MemoData(target_id=target_id, **row)


def add_memo(
    project: Project,
    target: str,
    target_id: int | None = None,
    *,
    text: str = "",
    title: str = "",
    author_id: int | None = None,
    start: int | None = None,
    end: int | None = None,
) -> MemoData:
    if target not in MEMO_TARGETS:
        raise InvalidInput(f"A memo belongs to one of: {', '.join(MEMO_TARGETS)}.")
    now = utcnow()
    row: dict[str, Any] = {
        "guid": new_guid(), "target": target, "document_id": None, "code_id": None, "coding_id": None,
        "dyad_id": None, "start": None, "end": None, "author_id": author_id, "title": title.strip()[:300],
        "text": text, "created_at": now, "updated_at": now,
    }  # fmt: skip
    with project.write() as session:
        if target != "project":
            model = _TARGET_MODELS[target]
            if target_id is None or session.get(model, target_id) is None:
                raise NotFound(f"There is no {target} {target_id} to attach the memo to.")
            row[f"{target}_id"] = target_id
        if start is not None or end is not None:
            document = session.get(Document, target_id) if target == "document" else None
            if (
                document is None
                or start is None
                or end is None
                or not 0 <= start <= end <= len(document.text)
            ):
                raise InvalidInput("A memo can be anchored only to a range inside its document.")
            row["start"], row["end"] = start, end
        if author_id is not None and session.get(Coder, author_id) is None:
            raise NotFound(f"There is no coder {author_id}.")
        memo = Memo(**row)
        session.add(memo)
        session.flush()
        data = _data({**row, "id": memo.id})
    project.notify(Change(memos=True))
    return data


def update_memo(
    project: Project, memo_id: int, *, title: str | None = None, text: str | None = None
) -> MemoData:
    """Change a memo's title and/or text; returns the memo as it was."""
    with project.write() as session:
        rows = queries.memo_rows(session, Memo.id == memo_id)
        if not rows:
            raise NotFound(f"There is no memo {memo_id}.")
        memo = session.get(Memo, memo_id)
        if title is not None:
            memo.title = title.strip()[:300]
        if text is not None:
            memo.text = text
        memo.updated_at = utcnow()
    project.notify(Change(memos=True))
    return _data(rows[0])


def delete_memo(project: Project, memo_id: int) -> dict[str, Any]:
    """Delete a memo; returns the row for `restore_memo`."""
    with project.write() as session:
        rows = queries.memo_rows(session, Memo.id == memo_id)
        if not rows:
            raise NotFound(f"There is no memo {memo_id}.")
        queries.delete_memo(session, memo_id)
    project.notify(Change(memos=True))
    return rows[0]


def restore_memo(project: Project, snapshot: dict[str, Any]) -> None:
    with project.write() as session:
        queries.insert_row(session, dict(snapshot))
    project.notify(Change(memos=True))


def list_memos(project: Project, target: str | None = None, target_id: int | None = None) -> list[MemoData]:
    with project.read() as session:
        return [_data(r) for r in queries.for_target(session, target, target_id)]


def coding_memo_texts(project: Project, document_id: int) -> dict[int, str]:
    """coding id -> memo text, for the codings of one document (shown when hovering a stripe)."""
    with project.read() as session:
        return queries.coding_memo_texts(session, document_id)


def describe_target(project: Project, target: str, target_id: int | None) -> str:
    if target == "project" or target_id is None:
        return "the project"
    with project.read() as session:
        label = queries.target_label(session, target, target_id)
    if label is None:
        raise NotFound(f"There is no {target} {target_id}.")
    return label


def coding_memo_lists(project: Project, coding_ids: list[int] | None = None) -> dict[int, list[str]]:
    """coding id -> its memos' texts, oldest first (codings without memos are left out)."""
    with project.read() as session:
        return queries.coding_memo_lists(session, coding_ids)


def memo_listing(project: Project, document: str | int | None = None) -> list[dict[str, Any]]:
    """Memos as the CLI lists them: id, text, target, document (name or None), start, end (None unless a
    range). With `document`, only the memos about that document: on it, on a range of it, or on its codings."""
    with project.read() as session:
        document_id = lookup.document(session, document).id if document is not None else None
        return [
            {key: row[key] for key in ("id", "text", "target", "document", "start", "end")}
            for row in queries.memo_listing(session, document_id)
        ]
