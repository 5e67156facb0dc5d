"""CQR results as files for a paper: the cross-analysis table and the core-ideas grid (DOCX tables in an
APA-like layout, and CSV), and the audit trail (DOCX).

In the cross-analysis table each group is a column headed with its number of cases; a cell reads "Typical (4)",
the label and the number of cases with the category; categories are indented under their domain; rows whose
groups' labels differ by the threshold or more carry an asterisk explained in the note under the table.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from app.domain.cqr import CrossAnalysis, describe_rules
from app.domain.errors import ExportFailed
from app.services.compare_report import csv_bytes, write_atomically
from app.services.cqr import CoreIdeaGrid, Excerpt
from app.services.cqr_audit import Comment

CROSS_FIELDS = ("grouping", "group", "group_cases", "domain", "code", "level", "cases", "label", "marked")
CORE_IDEA_FIELDS = ("dyad", "perspective", "domain", "core_idea", "author", "excerpts")


def _grouping(result: CrossAnalysis) -> str:
    return result.by or "all cases"


def cell_text(label: str | None, cases: int) -> str:
    return f"{label.capitalize() if label else '–'} ({cases})"


# -- cross-analysis ---------------------------------------------------------------------------------


def cross_analysis_csv_rows(result: CrossAnalysis) -> list[list[object]]:
    rows: list[list[object]] = []
    for group in result.groups:
        for category in result.categories:
            cell = result.cell(category.id, group.name)
            domain = category.path.split("/", 1)[0]
            rows.append([
                _grouping(result), group.name, len(group.cases), domain, category.path, category.depth,
                cell.cases_with, cell.label or "", int(result.marked(category.id)),
            ])  # fmt: skip
    return rows


def _small_table(document, rows: list[list[str]], widths_bold_header: bool = True):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            paragraph = table.cell(r, c).paragraphs[0]
            run = paragraph.add_run(value)
            run.font.size = Pt(9)
            run.bold = widths_bold_header and r == 0
    return table


def build_cross_analysis_docx(result: CrossAnalysis, coders: str = "all coders"):
    document = DocxDocument()
    if len(result.groups) > 3:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading("CQR cross-analysis", level=0)
    document.add_paragraph(
        f"Cases grouped by {_grouping(result)}. Codings by {coders}. Written {datetime.now():%Y-%m-%d %H:%M}."
    )
    header = ["Domain / category"] + [f"{g.name} (n = {len(g.cases)})" for g in result.groups]
    rows = [header]
    for category in result.categories:
        name = "    " * category.depth + category.name + (" *" if result.marked(category.id) else "")
        cells = [cell_text(result.cell(category.id, g.name).label, result.cell(category.id, g.name).cases_with)
                 for g in result.groups]  # fmt: skip
        rows.append([name, *cells])
    _small_table(document, rows)
    note = document.add_paragraph()
    note.add_run("Note. ").italic = True
    note.add_run(
        "Each cell gives the frequency label and, in parentheses, the number of cases in which the category was "
        "coded; – means no label. "
        + " ".join(describe_rules(result.rules))
        + (" * marks a difference between groups." if len(result.groups) > 1 else "")
    )
    return document


def write_cross_analysis(result: CrossAnalysis, path: Path | str, coders: str = "all coders") -> Path:
    """By the suffix: a `.docx` table or a `.csv` (one row per group and category)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_atomically(Path(path), csv_bytes(CROSS_FIELDS, cross_analysis_csv_rows(result)))
    if suffix == ".docx":
        buffer = io.BytesIO()
        build_cross_analysis_docx(result, coders).save(buffer)
        return write_atomically(Path(path), buffer.getvalue())
    raise ExportFailed(f"Cannot write the cross-analysis as {Path(path).name}: use a .docx or .csv file.")


# -- core ideas ------------------------------------------------------------------------------------


def core_ideas_csv_rows(grid: CoreIdeaGrid) -> list[list[object]]:
    rows: list[list[object]] = []
    for case in grid.cases:
        for domain in grid.domains:
            idea = grid.idea(case, domain.id)
            rows.append([
                case.dyad, case.perspective, domain.name, idea.text if idea else "",
                (idea.author or "") if idea else "", " ".join(map(str, idea.excerpts)) if idea else "",
            ])  # fmt: skip
    return rows


def build_core_ideas_docx(grid: CoreIdeaGrid, excerpts: dict[int, Excerpt] | None = None):
    document = DocxDocument()
    document.add_heading("CQR core ideas", level=0)
    unit = "dyad" if grid.case_unit == "dyad" else "perspective of a dyad"
    document.add_paragraph(
        f"One row per case (a {unit}), one column per domain. Empty cells: no core idea yet."
    )
    for domain in grid.domains:
        document.add_heading(domain.name, level=1)
        rows = [["Case", "Core idea", "Excerpts"]]
        for case in grid.cases:
            idea = grid.idea(case, domain.id)
            quotes = ""
            if idea and excerpts:
                quotes = "\n".join(
                    f"“{excerpts[c].text}” ({excerpts[c].document})" for c in idea.excerpts if c in excerpts
                )
            rows.append([case.label, idea.text if idea else "", quotes])
        _small_table(document, rows)
    return document


def write_core_ideas(
    grid: CoreIdeaGrid, path: Path | str, excerpts: dict[int, Excerpt] | None = None
) -> Path:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_atomically(Path(path), csv_bytes(CORE_IDEA_FIELDS, core_ideas_csv_rows(grid)))
    if suffix == ".docx":
        buffer = io.BytesIO()
        build_core_ideas_docx(grid, excerpts).save(buffer)
        return write_atomically(Path(path), buffer.getvalue())
    raise ExportFailed(f"Cannot write the core ideas as {Path(path).name}: use a .docx or .csv file.")


# -- audit trail -----------------------------------------------------------------------------------


def build_audit_trail_docx(comments: list[Comment]):
    document = DocxDocument()
    document.add_heading("CQR audit trail", level=0)
    document.add_paragraph(f"{len(comments)} audit comment(s). Written {datetime.now():%Y-%m-%d %H:%M}.")
    if not comments:
        document.add_paragraph("The auditor has not commented yet.")
    for comment in comments:
        document.add_heading(f"{comment.id}. On the {comment.about}", level=2)
        who = comment.auditor or "the auditor"
        document.add_paragraph(f"{comment.at:%Y-%m-%d %H:%M}, {who}: {comment.text}")
        for answer in comment.answers:
            by = f" ({answer.author})" if answer.author else ""
            reason = f": {answer.text}" if answer.text else "."
            document.add_paragraph(
                f"{answer.at:%Y-%m-%d %H:%M}, team{by}: {answer.decision}{reason}", style="List Bullet"
            )
        if not comment.answers:
            document.add_paragraph("Not answered yet.", style="List Bullet")
    return document


def write_audit_trail(comments: list[Comment], path: Path | str) -> Path:
    if Path(path).suffix.lower() != ".docx":
        raise ExportFailed(f"Cannot write the audit trail as {Path(path).name}: use a .docx file.")
    buffer = io.BytesIO()
    build_audit_trail_docx(comments).save(buffer)
    return write_atomically(Path(path), buffer.getvalue())
