"""The perspective comparison as files a research team passes around: a DOCX report and CSV tables.

DOCX: title, what was compared (sessions, window, coders), the theme x perspective table (codings, documents,
coverage per perspective, codes indented by level), each shared moment with every perspective's excerpts,
and each one-sided theme with its excerpts. CSV (UTF-8 with a byte-order mark so spreadsheet programs read
accents correctly): one row per code and perspective, in long format ready for R or pandas.
Files are written beside the target and moved into place, so a failed export never leaves half a file.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from app.domain.comparison import DyadComparison, Excerpt
from app.domain.errors import ExportFailed
from app.domain.theme_prevalence import GroupComparison
from app.domain.timecode import format_timecode
from app.formats.safe_csv import safe_writer

MATRIX_FIELDS = (
    "dyad",
    "sessions",
    "code",
    "level",
    "perspective",
    "codings",
    "documents",
    "coded_words",
    "total_words",
    "coverage",
    "one_sided",
    "shared_moments",
)
GROUP_FIELDS = (
    "attribute",
    "group",
    "dyads_in_group",
    "code",
    "level",
    "perspective",
    "dyads_raised",
    "dyads_with_perspective",
    "prevalence",
    "codings",
)


def sessions_label(comparison: DyadComparison) -> str:
    numbers = comparison.sessions
    if numbers is None:
        return "all"
    if len(numbers) > 1 and list(numbers) == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}..{numbers[-1]}"
    return ", ".join(map(str, numbers))


def write_atomically(path: Path, data: bytes) -> Path:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".rapport-", suffix=path.suffix, dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as exc:
        raise ExportFailed(f"Could not write {path}: {exc.strerror or exc}.") from exc
    return path


def csv_bytes(fields: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = safe_writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


# -- CSV ---------------------------------------------------------------------------------------------


def comparison_csv_rows(comparison: DyadComparison) -> list[list[object]]:
    one_sided = {(o.code_id, o.perspective) for o in comparison.one_sided}
    moments: dict[int, int] = {}
    for moment in comparison.shared_moments:
        moments[moment.code_id] = moments.get(moment.code_id, 0) + 1
    label = sessions_label(comparison)
    rows = []
    for row in comparison.rows:
        for perspective, cell in row.cells.items():
            rows.append(
                [
                    comparison.dyad,
                    label,
                    row.path,
                    row.depth,
                    perspective,
                    cell.codings,
                    cell.documents,
                    cell.coded_words,
                    cell.total_words,
                    f"{cell.coverage:.6f}",
                    "yes" if (row.code_id, perspective) in one_sided else "no",
                    moments.get(row.code_id, 0),
                ]
            )
    return rows


def write_comparison_csv(comparison: DyadComparison, path: Path | str) -> Path:
    return write_atomically(Path(path), csv_bytes(MATRIX_FIELDS, comparison_csv_rows(comparison)))


def group_csv_rows(groups: GroupComparison) -> list[list[object]]:
    rows = []
    for row in groups.rows:
        for group in groups.groups:
            for perspective in groups.perspectives:
                cell = row.cells[(group, perspective)]
                rows.append(
                    [
                        groups.attribute,
                        group,
                        cell.dyads,
                        row.path,
                        row.depth,
                        perspective,
                        cell.dyads_raised,
                        cell.with_perspective,
                        f"{cell.prevalence:.6f}",
                        cell.codings,
                    ]
                )
    return rows


def write_groups_csv(groups: GroupComparison, path: Path | str) -> Path:
    return write_atomically(Path(path), csv_bytes(GROUP_FIELDS, group_csv_rows(groups)))


# -- DOCX --------------------------------------------------------------------------------------------


def _moment(ms: int | None) -> str:
    return format_timecode(ms) if ms is not None else "no video moment"


def _excerpt_paragraph(document, excerpt: Excerpt) -> None:
    where = f"{excerpt.document}, session {excerpt.session}" if excerpt.session else excerpt.document
    paragraph = document.add_paragraph(style="List Bullet")
    label = paragraph.add_run(f"{(excerpt.perspective or 'no perspective').title()}: ")
    label.bold = True
    paragraph.add_run(f"“{excerpt.text.strip()}”")
    detail = paragraph.add_run(
        f"  ({where}, video {_moment(excerpt.video_ref_ms)}, {excerpt.speaker or 'no speaker'}, "
        f"coded by {excerpt.coder})"
    )
    detail.italic = True
    detail.font.size = Pt(8)


def matrix_header(comparison: DyadComparison) -> list[str]:
    header = ["Code"]
    for perspective in comparison.perspectives:
        header += [
            f"{perspective.title()} codings",
            f"{perspective.title()} documents",
            f"{perspective.title()} coverage",
        ]
    return header


def _add_matrix(document, comparison: DyadComparison) -> None:
    header = matrix_header(comparison)
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in comparison.rows:
        values = ["\u00a0\u00a0\u00a0" * row.depth + row.name]
        for perspective in comparison.perspectives:
            cell = row.cells[perspective]
            values += [str(cell.codings), str(cell.documents), f"{cell.coverage * 100:.1f}%"]
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text


def build_comparison_docx(comparison: DyadComparison, coders: str = "all coders"):
    """The report as a python-docx Document (not yet saved)."""
    document = DocxDocument()
    if len(comparison.perspectives) > 2:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(f"Perspective comparison: dyad {comparison.dyad}", level=0)
    document.add_paragraph(
        f"Sessions: {sessions_label(comparison)}. Perspectives: {', '.join(comparison.perspectives) or 'none'}. "
        f"Shared-moment window: {comparison.window_ms / 1000:g} s. Codings by {coders}. "
        f"Written {datetime.now():%Y-%m-%d %H:%M}."
    )
    document.add_heading("Themes by perspective", level=1)
    document.add_paragraph(
        "Codings and documents count a code with its sub-codes; coverage is the share of the perspective's "
        "words covered by the union of the coded spans (overlaps counted once)."
    )
    if comparison.corpora:
        document.add_paragraph(
            "Compared: "
            + "; ".join(
                f"{p} {c.words:,} words in {c.documents} document{'s' if c.documents != 1 else ''}"
                for p, c in comparison.corpora.items()
            )
            + "."
        )
    if comparison.rows:
        _add_matrix(document, comparison)
    else:
        document.add_paragraph("Nothing is coded in these documents yet.")
    document.add_heading("Shared moments", level=1)
    if not comparison.shared_moments:
        document.add_paragraph(
            "No code was applied by two perspectives to the same moment of the session video."
        )
    for moment in comparison.shared_moments:
        until = f" to {format_timecode(moment.end_ms)}" if moment.end_ms != moment.time_ms else ""
        document.add_heading(
            f"{moment.code}: session {moment.session}, video {format_timecode(moment.time_ms)}{until}",
            level=2,
        )
        for ids in moment.codings.values():
            for coding_id in ids:
                excerpt = comparison.excerpt(coding_id)
                if excerpt is not None:
                    _excerpt_paragraph(document, excerpt)
    document.add_heading("One-sided themes", level=1)
    if not comparison.one_sided:
        document.add_paragraph("Every coded theme was raised by more than one perspective.")
    for item in comparison.one_sided:
        document.add_heading(f"{item.code}: only the {item.perspective}", level=2)
        for excerpt in comparison.excerpts_for(item.code_id, item.perspective):
            _excerpt_paragraph(document, excerpt)
    return document


def write_comparison_docx(comparison: DyadComparison, path: Path | str, coders: str = "all coders") -> Path:
    buffer = io.BytesIO()
    build_comparison_docx(comparison, coders).save(buffer)
    return write_atomically(Path(path), buffer.getvalue())


def write_comparison_report(comparison: DyadComparison, path: Path | str, coders: str = "all coders") -> Path:
    """By the suffix: `.docx` report or `.csv` table."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return write_comparison_docx(comparison, path, coders)
    if suffix == ".csv":
        return write_comparison_csv(comparison, path)
    raise ExportFailed(f"Cannot write a comparison report as {Path(path).name}: use a .docx or .csv file.")
