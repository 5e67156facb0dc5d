"""The coded-excerpts report: DOCX (by code, then dyad, then perspective) and CSV (one row a coding).

The DOCX is what goes into a paper's appendix or a team meeting: under each code, excerpts grouped by dyad and
by perspective (client, therapist...), each with its session, document, speaker and coder. The CSV carries the
same rows for statistics software, with positions in code points of the stored text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import groupby

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from app.domain.plural import count
from app.formats.refi_common import clean_color, xml_safe
from app.formats.safe_csv import safe_writer


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


def write_excerpts_csv(excerpts: list[Excerpt]) -> bytes:
    out = io.StringIO()
    writer = safe_writer(out, lineterminator="\r\n")
    names = [f.name for f in fields(Excerpt) if f.name != "color"]
    writer.writerow(names)
    for excerpt in excerpts:
        row = []
        for name in names:
            value = getattr(excerpt, name)
            row.append("" if value is None else value)
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class _Paragraphs:
    """Appends paragraphs in constant time. python-docx's `add_paragraph` looks the style up by name and scans
    the whole body for the section properties on every call, which made a 20,000-excerpt report take minutes;
    here styles are resolved once and each paragraph goes straight before the final section properties."""

    def __init__(self, document) -> None:
        self.document = document
        self._ids: dict[str, str] = {}
        self._body = document.element.body
        self._end = self._body.sectPr

    def add(self, style: str | None = None, text: str = "") -> Paragraph:
        element = OxmlElement("w:p")
        if self._end is not None:
            self._end.addprevious(element)
        else:
            self._body.append(element)
        paragraph = Paragraph(element, self.document._body)
        if style is not None:
            if style not in self._ids:
                self._ids[style] = self.document.styles[style].style_id
            element.style = self._ids[style]
        if text:
            self.run(paragraph, text)
        return paragraph

    @staticmethod
    def run(paragraph: Paragraph, text: str):
        """A run holding `text` in one `w:t` (python-docx adds text a character at a time)."""
        run = paragraph.add_run()
        element = OxmlElement("w:t")
        element.text = text
        element.set(qn("xml:space"), "preserve")
        run._r.append(element)
        return run


def write_excerpts_docx(
    excerpts: list[Excerpt], *, title: str, project: str, generated: datetime | None = None
) -> bytes:
    """`excerpts` must come sorted by code, dyad, perspective, session, document and position."""
    generated = generated or datetime.now()
    document = Document()
    document.core_properties.title = title
    document.add_paragraph(title, style="Title")
    document.add_paragraph(
        f"Project: {xml_safe(project)} · {count(len(excerpts), 'excerpt')} · generated {generated:%Y-%m-%d %H:%M}"
    )
    styles = _Paragraphs(document)
    if not excerpts:
        document.add_paragraph("No coded excerpts match.").runs[0].italic = True
    for code, by_code in groupby(excerpts, key=lambda e: e.code):
        items = list(by_code)
        heading = styles.add("Heading 1")
        swatch = heading.add_run("■ ")
        hex_value = (clean_color(items[0].color) or "#888888")[1:]
        swatch.font.color.rgb = RGBColor.from_string(hex_value.upper())
        heading.add_run(f"{xml_safe(code)} ({len(items)})")
        for dyad, by_dyad in groupby(items, key=lambda e: e.dyad):
            styles.add("Heading 2", f"Dyad {xml_safe(dyad)}" if dyad else "No dyad")
            for perspective, group in groupby(by_dyad, key=lambda e: e.perspective):
                styles.add("Heading 3", perspective.capitalize() if perspective else "No perspective")
                for excerpt in group:
                    meta = styles.add()
                    parts = []
                    if excerpt.session is not None:
                        parts.append(f"Session {excerpt.session}")
                    parts.append(excerpt.document)
                    if excerpt.speaker:
                        parts.append(f"Speaker: {excerpt.speaker}")
                    parts.append(f"Coder: {excerpt.coder}")
                    run = styles.run(meta, xml_safe(" · ".join(parts)))
                    run.bold = True
                    run.font.size = Pt(9)
                    quote = styles.add("Quote")
                    lines = xml_safe(excerpt.text).strip("\n").split("\n")
                    styles.run(quote, lines[0])
                    for line in lines[1:]:
                        quote.add_run().add_break()
                        styles.run(quote, line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
