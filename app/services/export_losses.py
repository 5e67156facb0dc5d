"""What an export's target format cannot hold, counted on the project, so an export can say so.

A .qdpx carries everything for Rapport (its extension part), but other tools read only REFI-QDA: the counts
for .qdpx name what they will not see (a memo on a dyad reaches them as a note on nothing). A codebook (.qdc, .csv, .docx) holds codes, not what hangs on them.
Reports of codings are selections by design and say nothing here.
"""

from __future__ import annotations

from pathlib import Path

from app.services.project import Project
from app.storage.queries import fidelity as queries

_QDPX = ("speaker turns", "anchor excerpts", "correction history entries", "session dates and videos",
         "memos on dyads")  # fmt: skip
_CODEBOOK = ("memos on codes", "code keyboard shortcuts", "anchor excerpts")


def not_carried(project: Project, path: Path | str, *, codebook_csv: bool = False, report: str = "") -> dict:
    """What an export to `path` (picked by suffix, like `rapport export`) leaves out: what -> count."""
    suffix = Path(path).suffix.lower()
    codebook = (
        suffix in (".qdc", ".docx", ".csv") and report != "excerpts" and (suffix != ".csv" or codebook_csv)
    )
    if suffix == ".qdpx":
        kinds = _QDPX
    elif codebook:  # the printed codebook (.docx) shows anchor excerpts
        kinds = _CODEBOOK[:2] if suffix == ".docx" else _CODEBOOK
    else:
        return {}
    with project.read() as session:
        counts = queries.carried_counts(session)
    return {what: counts[what] for what in kinds if counts[what]}


def describe(losses: dict[str, int], path: Path | str) -> str:
    """One short sentence for the status bar and the command line, or "" when nothing is left out."""
    if not losses:
        return ""
    listed = ", ".join(f"{count} {what}" for what, count in losses.items())
    if Path(path).suffix.lower() != ".qdpx":
        return f"Not in this format: {listed}."
    loose = " (other tools see memos on dyads as loose notes)" if "memos on dyads" in losses else ""
    return f"Only Rapport reads back {listed}{loose}."
