"""What an export's target format cannot hold, counted on the project, so an export can say so.

A .qdpx carries everything for Rapport (its extension part), but other tools read only REFI-QDA: the lines
for .qdpx name what they will not see. A codebook (.qdc, .csv, .docx) holds codes, not what hangs on them.
Reports of codings are selections by design and say nothing here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.services.project import Project
from app.storage.models import Code, Coding, DocumentEdit, Memo, Turn
from app.storage.models import Session as StudySession

_OTHER_TOOLS = "(kept for Rapport; other tools do not read them)"


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def not_carried(project: Project, path: Path | str, *, codebook_csv: bool = False, report: str = "") -> dict:
    """What an export to `path` (picked by suffix, like `rapport export`) leaves out: description -> count."""
    suffix = Path(path).suffix.lower()
    with project.read() as session:
        if suffix == ".qdpx":
            found = {
                f"speaker turns and their times {_OTHER_TOOLS}": _count(
                    session, Turn, Turn.speaker.is_not(None)
                ),
                f"anchor excerpts {_OTHER_TOOLS}": _count(session, Coding, Coding.anchor.is_(True)),
                f"correction history entries {_OTHER_TOOLS}": _count(session, DocumentEdit),
                f"session dates and videos {_OTHER_TOOLS}": _count(
                    session,
                    StudySession,
                    (StudySession.date.is_not(None)) | (StudySession.media_path.is_not(None)),
                ),
                "memos on dyads (other tools see them as notes on nothing)": _count(
                    session, Memo, Memo.target == "dyad"
                ),
            }
        elif (
            suffix in (".qdc", ".csv", ".docx")
            and (suffix != ".csv" or codebook_csv)
            and report != "excerpts"
        ):
            found = {
                "memos on codes": _count(session, Memo, Memo.target == "code"),
                "code keyboard shortcuts": _count(session, Code, Code.shortcut.is_not(None)),
            }
            if suffix != ".docx":  # the printed codebook shows anchor excerpts
                found["anchor excerpts"] = _count(session, Coding, Coding.anchor.is_(True))
        else:
            found = {}
    return {what: count for what, count in found.items() if count}


def describe(losses: dict[str, int]) -> str:
    """One readable sentence, or "" when nothing is left out."""
    if not losses:
        return ""
    return "Not carried: " + "; ".join(f"{count} {what}" for what, count in losses.items()) + "."
