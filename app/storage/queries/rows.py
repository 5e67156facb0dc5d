"""Whole rows as plain dicts, for snapshots that restore rows with their original ids (undo, merges)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

CODE_COLUMNS = (
    "id", "guid", "parent_id", "name", "color", "definition", "inclusion", "exclusion", "example", "shortcut",
    "position", "codable", "created_at", "is_set", "set_value",
)  # fmt: skip
CODING_COLUMNS = (
    "id",
    "guid",
    "document_id",
    "code_id",
    "coder_id",
    "start",
    "end",
    "anchor",
    "created_at",
    "updated_at",
)
MEMO_COLUMNS = (
    "id", "guid", "target", "document_id", "code_id", "coding_id", "dyad_id", "start", "end", "author_id",
    "title", "text", "created_at", "updated_at",
)  # fmt: skip
TURN_COLUMNS = (
    "id",
    "document_id",
    "start",
    "end",
    "speaker",
    "time_start_ms",
    "time_end_ms",
    "video_ref_ms",
)


def rows(session: Session, model, columns: tuple[str, ...], *where) -> list[dict[str, Any]]:
    """The chosen columns of `model`'s rows matching `where`, in id order."""
    statement = select(*(getattr(model, c) for c in columns)).where(*where).order_by(model.id)
    return [dict(zip(columns, row)) for row in session.execute(statement)]
