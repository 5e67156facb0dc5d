"""Table of search hits: document, speaker, perspective and a snippet with the matched words in bold.

Rows are the services' plain `Hit`s. The snippet column's display text is plain; `SNIPPET_HTML_ROLE` gives the
same snippet as HTML with the matches marked, which `SnippetDelegate` paints. Snippet offsets are code points
(Python str indices), so slicing the snippet string is exact whatever emoji it holds; no Qt positions here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.services.search import Hit

COLUMNS = ("Document", "Speaker", "Perspective", "Excerpt")
SNIPPET_COLUMN = 3
SNIPPET_HTML_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def snippet_html(hit: Hit) -> str:
    """The snippet as HTML, matches in bold on a light highlight."""
    parts: list[str] = []
    cursor = 0
    for start, end in hit.snippet_matches:
        parts.append(html.escape(hit.snippet[cursor:start]))
        parts.append(f'<b style="background-color:#ffe08a">{html.escape(hit.snippet[start:end])}</b>')
        cursor = end
    parts.append(html.escape(hit.snippet[cursor:]))
    return "".join(parts)


class SearchHitsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hits(self) -> list[Hit]:
        return list(self._hits)

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return hit.document if hit.kind != "memo" else f"Memo ({hit.document or 'project'})"
            if column == 1:
                return hit.speaker or ""
            if column == 2:
                return hit.perspective or ""
            if column == SNIPPET_COLUMN:
                return hit.snippet
        if role == Qt.ItemDataRole.ToolTipRole and column == SNIPPET_COLUMN:
            return hit.text.strip()
        if role == SNIPPET_HTML_ROLE and column == SNIPPET_COLUMN:
            return snippet_html(hit)
        if role == HIT_ROLE:
            return hit
        return None


class SnippetDelegate(QStyledItemDelegate):
    """Paints the snippet column's HTML (matches in bold) inside the normal item frame."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(2)
        document.setHtml(index.data(SNIPPET_HTML_ROLE) or "")
        return document

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if index.data(SNIPPET_HTML_ROLE) is None:
            super().paint(painter, option, index)
            return
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        document = self._document(options, index)
        options.text = ""
        style = options.widget.style() if options.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        if options.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(
                QPalette.ColorRole.Text, options.palette.color(QPalette.ColorRole.HighlightedText)
            )
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, options, options.widget)
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(rect.translated(-rect.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        if index.data(SNIPPET_HTML_ROLE) is None:
            return super().sizeHint(option, index)
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()))
