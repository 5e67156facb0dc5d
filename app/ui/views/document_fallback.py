"""A plain read-only view of a document's turns: the main window's fallback when the transcript editor
cannot be loaded, so a researcher can always read their material (speaker in bold, time in grey)."""

from __future__ import annotations

import html
import re

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.domain.timecode import format_timecode
from app.services import study
from app.ui.context import AppContext


def turns_html(document: study.DocumentData) -> str:
    if not document.turns:
        return f"<pre style='white-space: pre-wrap'>{html.escape(document.text)}</pre>"
    parts = []
    for turn in document.turns:
        body = document.text[turn.start : turn.end]
        if turn.speaker:
            body = re.sub(rf"^\s*(\[[\d:.]+\]\s*)?{re.escape(turn.speaker)}\s*:\s*", "", body)
        time = (
            f"<span style='color:#8a939c'>{format_timecode(turn.time_start_ms)}</span>&nbsp; "
            if turn.time_start_ms is not None
            else ""
        )
        speaker = f"<b>{html.escape(turn.speaker)}:</b> " if turn.speaker else ""
        parts.append(f"<p>{time}{speaker}{html.escape(body.strip())}</p>")
    return "\n".join(parts)


class DocumentFallbackView(QTextBrowser):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.current_document_id: int | None = None
        self.setOpenLinks(False)

    def show_document(self, doc_id: int, start: int | None = None, end: int | None = None) -> None:
        if self.context.project is None:
            return
        document = study.get_document(self.context.project, doc_id)
        self.current_document_id = doc_id
        self.setHtml(turns_html(document))
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def apply_code(self, code_id: int) -> bool:
        return False
