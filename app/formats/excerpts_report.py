"""The coded-excerpts report: DOCX (by code, then dyad, then perspective) and CSV (one row a coding).

The DOCX is what goes into a paper's appendix or a team meeting: under each code, excerpts grouped by dyad and
by perspective (client, therapist...), each with its session, document, speaker and coder. The CSV carries the
same rows for statistics software, with positions in code points of the stored text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import groupby

from docx import Document
from docx.shared import Pt, RGBColor

from app.formats.refi_common import clean_color, xml_safe


@dataclass(frozen=True)
class Excerpt:
    coding_id: int
    code: str  # the code's path
    coder: str
    document: str
    dyad: str
    perspective: str
    kind: str
    session: int | None
    speaker: str
    start: int
    end: int
    text: str
    color: str = "#888888"


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_excerpts_csv(excerpts: list[Excerpt]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [f.name for f in fields(Excerpt) if f.name != "color"]
    writer.writerow(names)
    for excerpt in excerpts:
        row = []
        for name in names:
            value = getattr(excerpt, name)
            row.append("" if value is None else _cell(str(value)) if isinstance(value, str) else value)
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_excerpts_docx(
    excerpts: list[Excerpt], *, title: str, project: str, generated: datetime | None = None
) -> bytes:
    """`excerpts` must come sorted by code, dyad, perspective, session, document and position."""
    generated = generated or datetime.now()
    document = Document()
    document.core_properties.title = title
    document.add_paragraph(title, style="Title")
    document.add_paragraph(
        f"Project: {xml_safe(project)} · {len(excerpts)} excerpts · generated {generated:%Y-%m-%d %H:%M}"
    )
    if not excerpts:
        document.add_paragraph("No coded excerpts match.").runs[0].italic = True
    for code, by_code in groupby(excerpts, key=lambda e: e.code):
        items = list(by_code)
        heading = document.add_heading(level=1)
        swatch = heading.add_run("■ ")
        hex_value = (clean_color(items[0].color) or "#888888")[1:]
        swatch.font.color.rgb = RGBColor.from_string(hex_value.upper())
        heading.add_run(f"{xml_safe(code)} ({len(items)})")
        for dyad, by_dyad in groupby(items, key=lambda e: e.dyad):
            document.add_heading(f"Dyad {xml_safe(dyad)}" if dyad else "No dyad", level=2)
            for perspective, group in groupby(by_dyad, key=lambda e: e.perspective):
                document.add_heading(perspective.capitalize() if perspective else "No perspective", level=3)
                for excerpt in group:
                    meta = document.add_paragraph()
                    parts = []
                    if excerpt.session is not None:
                        parts.append(f"Session {excerpt.session}")
                    parts.append(excerpt.document)
                    if excerpt.speaker:
                        parts.append(f"Speaker: {excerpt.speaker}")
                    parts.append(f"Coder: {excerpt.coder}")
                    run = meta.add_run(xml_safe(" · ".join(parts)))
                    run.bold = True
                    run.font.size = Pt(9)
                    quote = document.add_paragraph(style="Quote")
                    lines = xml_safe(excerpt.text).strip("\n").split("\n")
                    quote.add_run(lines[0])
                    for line in lines[1:]:
                        quote.add_run().add_break()
                        quote.add_run(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
