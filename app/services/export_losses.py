"""What an export's target format cannot hold, counted on the project, so an export can say so.

A .qdpx carries everything for Rapport (its extension part), but other tools read only REFI-QDA: the counts
for .qdpx name what they will not see (a memo on a dyad reaches them as a note on nothing). A codebook (.qdc, .csv, .docx) holds codes, not what hangs on them.
Reports of codings are selections by design and say nothing here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.services.project import Project
from app.storage.models import Code, Coding, DocumentEdit, Memo, Turn
from app.storage.models import Session as StudySession


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def not_carried(project: Project, path: Path | str, *, codebook_csv: bool = False, report: str = "") -> dict:
    """What an export to `path` (picked by suffix, like `rapport export`) leaves out: what -> count."""
    suffix = Path(path).suffix.lower()
    codebook = (
        suffix in (".qdc", ".docx", ".csv") and report != "excerpts" and (suffix != ".csv" or codebook_csv)
    )
    with project.read() as session:
        if suffix == ".qdpx":
            dated = StudySession.date.is_not(None) | StudySession.media_path.is_not(None)
            found = {
                "speaker turns": _count(session, Turn, Turn.speaker.is_not(None)),
                "anchor excerpts": _count(session, Coding, Coding.anchor.is_(True)),
                "correction history entries": _count(session, DocumentEdit),
                "session dates and videos": _count(session, StudySession, dated),
                "memos on dyads": _count(session, Memo, Memo.target == "dyad"),
            }
        elif codebook:
            found = {
                "memos on codes": _count(session, Memo, Memo.target == "code"),
                "code keyboard shortcuts": _count(session, Code, Code.shortcut.is_not(None)),
            }
            if suffix != ".docx":  # the printed codebook shows anchor excerpts
                found["anchor excerpts"] = _count(session, Coding, Coding.anchor.is_(True))
        else:
            found = {}
    return {what: count for what, count in found.items() if count}


def describe(losses: dict[str, int], path: Path | str) -> str:
    """One short sentence for the status bar and the command line, or "" when nothing is left out."""
    if not losses:
        return ""
    listed = ", ".join(f"{count} {what}" for what, count in losses.items())
    if Path(path).suffix.lower() != ".qdpx":
        return f"Not in this format: {listed}."
    loose = " (other tools see memos on dyads as loose notes)" if "memos on dyads" in losses else ""
    return f"Only Rapport reads back {listed}{loose}."
