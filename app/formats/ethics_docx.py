"""The ethics summary: a DOCX a researcher attaches to an ethics application or a data-management plan.

Plain facts in short sections (bytes out; the service gathers the facts): where the data lives, encryption,
pseudonymisation, who coded, the audit log's summary, backups and their retention.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.shared import Pt

from app.formats.refi_common import xml_safe


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # first row: the headings


def write_ethics_docx(title: str, subtitle: str, sections: list[Section]) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(xml_safe(title), level=0)
    document.add_paragraph(xml_safe(subtitle)).runs[0].italic = True
    for section in sections:
        document.add_heading(xml_safe(section.title), level=1)
        for text in section.paragraphs:
            document.add_paragraph(xml_safe(text))
        if section.table:
            heading, *rows = section.table
            table = document.add_table(rows=1, cols=len(heading))
            table.style = "Light Grid Accent 1"
            for cell, text in zip(table.rows[0].cells, heading):
                cell.text = xml_safe(text)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = xml_safe(str(text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
