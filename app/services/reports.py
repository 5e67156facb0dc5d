"""Reports of coded excerpts: DOCX (by code, grouped by dyad and perspective) and CSV (one row a coding)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from app.formats.excerpts_report import Excerpt, write_excerpts_csv, write_excerpts_docx
from app.services import audit
from app.services.exchange_codes import code_paths
from app.services.exchange_files import write_output
from app.services.project import Project
from app.storage.queries import exchange as queries
from app.storage.queries import lookup


def speaker_at(turns: list[tuple[int, int, str | None]], position: int) -> str | None:
    """The speaker of the turn holding `position` (turns sorted by start)."""
    index = bisect.bisect_right([t[0] for t in turns], position) - 1
    if 0 <= index < len(turns) and turns[index][0] <= position < max(turns[index][1], turns[index][0] + 1):
        return turns[index][2]
    return None


def excerpts_in(
    session: Session, *, code_ids: Sequence[int] | None = None, coder_id: int | None = None
) -> list[Excerpt]:
    """Coded excerpts sorted by code (tree order), dyad, perspective, session, document and position."""
    codes = queries.codes(session)
    paths = code_paths(codes)
    colors = {c.id: c.color for c in codes}
    rows = queries.coding_rows(session, code_ids=code_ids, coder_id=coder_id)
    document_ids = sorted({row["document_id"] for row in rows})
    texts = queries.document_texts(session, document_ids)
    turns = queries.turns_of_documents(session, document_ids)
    order = {code_id: index for index, code_id in enumerate(sorted(paths, key=lambda i: paths[i].lower()))}
    excerpts = [
        Excerpt(
            coding_id=row["id"],
            code=paths.get(row["code_id"], row["code"]),
            coder=row["coder"],
            document=row["document"],
            dyad=row["dyad"] or "",
            perspective=row["perspective"] or "",
            kind=row["kind"],
            session=row["session"],
            speaker=speaker_at(turns.get(row["document_id"], []), row["start"]) or "",
            start=row["start"],
            end=row["end"],
            text=texts[row["document_id"]][row["start"] : row["end"]],
            color=colors.get(row["code_id"], "#888888"),
        )
        for row in rows
    ]
    ids = {row["id"]: row["code_id"] for row in rows}
    excerpts.sort(
        key=lambda e: (
            order.get(ids[e.coding_id], 0),
            e.dyad.lower(),
            e.perspective,
            e.session if e.session is not None else 0,
            e.document,
            e.start,
            e.coding_id,
        )
    )
    return excerpts


def list_excerpts(
    project: Project, *, codes: Sequence[str | int] | None = None, coder: str | int | None = None
) -> list[Excerpt]:
    with project.read() as session:
        code_ids = [lookup.code(session, c).id for c in codes] if codes else None
        coder_id = lookup.coder(session, coder).id if coder is not None else None
        return excerpts_in(session, code_ids=code_ids, coder_id=coder_id)


def export_excerpts_docx(
    project: Project,
    path: Path | str,
    *,
    codes: Sequence[str | int] | None = None,
    coder: str | int | None = None,
    title: str | None = None,
) -> Path:
    excerpts = list_excerpts(project, codes=codes, coder=coder)
    data = write_excerpts_docx(
        excerpts, title=title or f"Coded excerpts: {project.name}", project=project.name
    )
    return _exported(project, "coded excerpts (.docx)", write_output(path, data))


def export_codings_csv(
    project: Project,
    path: Path | str,
    *,
    codes: Sequence[str | int] | None = None,
    coder: str | int | None = None,
) -> Path:
    written = write_output(path, write_excerpts_csv(list_excerpts(project, codes=codes, coder=coder)))
    return _exported(project, "codings with excerpts (.csv)", written)


def _exported(project: Project, what: str, path: Path) -> Path:
    """Record an export of transcript text in the project's audit log (what, where)."""
    audit.record_event(project, "export", {"what": what, "to": str(Path(path).resolve())})
    return path
