"""The printable codebook (DOCX): title page, contents by hierarchy, then one section a code.

A section shows the code's colour (a swatch and its hex value), definition, inclusion and exclusion criteria,
example, how often it was applied, and up to three anchor excerpts. Headings use Word's built-in Heading
styles by depth, so Word's navigation pane and a generated table of contents follow the hierarchy too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt, RGBColor

from app.domain.plural import count
from app.formats.refi_common import clean_color, xml_safe

MAX_ANCHORS = 3


@dataclass(frozen=True)
class AnchorExcerpt:
    text: str
    document: str
    speaker: str | None = None
    dyad: str | None = None
    session: int | None = None
    coder: str | None = None


@dataclass
class CodebookEntry:
    path: str
    name: str
    depth: int  # 0 for top-level codes
    color: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    codings: int = 0
    documents: int = 0
    codable: bool = True
    anchors: list[AnchorExcerpt] = field(default_factory=list)
    anchors_chosen: bool = (
        True  # False: no anchor was chosen and `anchors` are the first codings, as examples
    )


def _rgb(color: str) -> RGBColor:
    hex_value = (clean_color(color) or "#888888")[1:]
    return RGBColor(int(hex_value[0:2], 16), int(hex_value[2:4], 16), int(hex_value[4:6], 16))


def _field(document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    if text.strip():
        lines = xml_safe(text).strip().split("\n")
        paragraph.add_run(lines[0])
        for line in lines[1:]:
            paragraph.add_run().add_break()
            paragraph.add_run(line)
    else:
        paragraph.add_run("—").italic = True


def _anchor_label(anchor: AnchorExcerpt) -> str:
    parts = [anchor.document]
    if anchor.dyad:
        parts.append(f"dyad {anchor.dyad}")
    if anchor.session is not None:
        parts.append(f"session {anchor.session}")
    if anchor.speaker:
        parts.append(f"speaker {anchor.speaker}")
    if anchor.coder:
        parts.append(f"coded by {anchor.coder}")
    return ", ".join(parts)


def write_codebook_docx(
    entries: list[CodebookEntry], *, title: str, project: str, generated: datetime | None = None
) -> bytes:
    """The DOCX bytes of the codebook `entries` (in tree order)."""
    generated = generated or datetime.now()
    document = Document()
    document.core_properties.title = title
    document.add_paragraph(title, style="Title")
    document.add_paragraph(f"Project: {xml_safe(project)}")
    document.add_paragraph(f"{count(len(entries), 'code')} · generated {generated:%Y-%m-%d %H:%M}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_heading("Contents", level=1)
    for entry in entries:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Pt(14 * entry.depth)
        paragraph.paragraph_format.space_after = Pt(0)
        swatch = paragraph.add_run("■ ")
        swatch.font.color.rgb = _rgb(entry.color)
        paragraph.add_run(xml_safe(entry.name))
        paragraph.add_run(f"  ({entry.codings})").italic = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for entry in entries:
        document.add_heading(xml_safe(entry.name), level=min(entry.depth + 1, 9))
        if entry.depth:
            document.add_paragraph(xml_safe(entry.path)).runs[0].italic = True
        paragraph = document.add_paragraph()
        paragraph.add_run("Colour: ").bold = True
        swatch = paragraph.add_run("██████ ")
        swatch.font.color.rgb = _rgb(entry.color)
        paragraph.add_run(entry.color)
        if not entry.codable:
            paragraph.add_run("  (a heading: not applied to text)").italic = True
        _field(document, "Definition", entry.definition)
        _field(document, "Inclusion criteria", entry.inclusion)
        _field(document, "Exclusion criteria", entry.exclusion)
        _field(document, "Example", entry.example)
        counts = document.add_paragraph()
        counts.add_run("Applied: ").bold = True
        counts.add_run(
            f"{entry.codings} coding{'s' if entry.codings != 1 else ''} in "
            f"{entry.documents} document{'s' if entry.documents != 1 else ''}"
        )
        if entry.anchors:
            heading = "Anchor excerpts" if entry.anchors_chosen else "Examples"
            document.add_paragraph().add_run(heading).bold = True
            for anchor in entry.anchors[:MAX_ANCHORS]:
                quote = document.add_paragraph(style="Quote")
                quote.add_run(f"“{xml_safe(anchor.text).strip()}”")
                source = document.add_paragraph()
                source.paragraph_format.left_indent = Pt(28)
                run = source.add_run(f"— {xml_safe(_anchor_label(anchor))}")
                run.italic = True
                run.font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
