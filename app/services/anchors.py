"""Anchor excerpts: the analyst's choice of up to three typical excerpts a code, for the printed codebook.

The choice is stored on the codings (so it survives, travels with the project and is used by every codebook
export); a code without chosen anchors shows its first excerpts instead.
"""

from __future__ import annotations

from app.domain.errors import InvalidInput, NotFound
from app.services.changes import Change
from app.services.project import Project
from app.storage.models import Code, Coding
from app.storage.queries import codings as queries

MAX_ANCHORS = 3


def anchor_ids(project: Project) -> set[int]:
    """The ids of every coding chosen as an anchor excerpt."""
    with project.read() as session:
        return queries.anchor_ids(session)


def set_anchor(project: Project, coding_id: int, on: bool) -> bool:
    """Choose (or drop) a coding as an anchor excerpt of its code; returns what it was, for undo.

    A code holds at most three: choosing a fourth is refused with a message naming the code."""
    with project.write() as session:
        coding = session.get(Coding, coding_id)
        if coding is None:
            raise NotFound(f"There is no coding {coding_id}.")
        was = bool(coding.anchor)
        if on and not was and queries.anchor_count(session, coding.code_id) >= MAX_ANCHORS:
            name = session.get(Code, coding.code_id).name
            raise InvalidInput(
                f"{name} already has {MAX_ANCHORS} anchor excerpts; drop one before choosing another."
            )
        coding.anchor = on
        document_id = coding.document_id
    project.notify(Change(codings=frozenset({document_id})))
    return was


def anchors_by_code(project: Project) -> dict[int, list[int]]:
    """code id -> the ids of its anchor excerpts (codes without any are left out)."""
    with project.read() as session:
        return queries.anchors_by_code(session)
