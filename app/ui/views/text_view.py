"""The read-only text surface of the transcript editor, with the stripe margin at its right edge.

It shows exactly the stored text (so positions differ from Rapport's only by UTF-16 surrogate pairs, handled by
`TextPositions`), answers geometry questions for the stripes (which text is visible, where a position's line
sits), and turns keyboard shortcuts, drops of codes and context-menu requests into signals for the editor.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from app.ui.views.coding_stripes import CodingStripes

CODE_IDS_MIME = "application/x-rapport-code-ids"


def code_ids_from_mime(mime: QMimeData) -> list[int]:
    """The code ids a codebook drag carries (UTF-8, comma separated); [] when it carries none."""
    if not mime.hasFormat(CODE_IDS_MIME):
        return []
    raw = bytes(mime.data(CODE_IDS_MIME).data()).decode("utf-8", "replace")
    ids: list[int] = []
    for part in raw.split(","):
        part = part.strip()
        if part.isdigit():
            ids.append(int(part))
    return ids


class TextView(QPlainTextEdit):
    shortcutPressed = Signal(int)  # digit 1-9
    codesDropped = Signal(list, int)  # code ids, Qt position of the drop
    contextMenuAt = Signal(QPoint, int)  # global position, Qt position under the mouse
    selectionReleased = Signal()  # the mouse let go after selecting: time to snap to words

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setCenterOnScroll(False)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.setFont(font)
        self.document().setDocumentMargin(10)
        self._text = ""
        self.editing = False  # edit mode: keys type text, the context menu is the standard one
        self.stripes = CodingStripes(self)
        self.updateRequest.connect(self._on_update_request)
        self.update_stripe_margin()

    # -- content ---------------------------------------------------------------------------------
    def set_stored_text(self, text: str) -> None:
        self._text = text
        self.setPlainText(text)

    def stored_text(self) -> str:
        return self._text

    # -- geometry for the stripes ---------------------------------------------------------------
    def visible_qt_range(self) -> tuple[int, int] | None:
        """First and last Qt positions of the blocks currently in view."""
        block = self.firstVisibleBlock()
        if not block.isValid():
            return None
        first = block.position()
        height = self.viewport().height()
        offset = self.contentOffset()
        last_block = block
        while block.isValid():
            top = self.blockBoundingGeometry(block).translated(offset).top()
            if top > height:
                break
            last_block = block
            block = block.next()
        return first, last_block.position() + max(last_block.length() - 1, 0)

    def blockGeometry(self, block) -> QRectF:
        return self.blockBoundingGeometry(block)

    def line_span(self, qt_position: int) -> tuple[float, float]:
        """Top and bottom (viewport y) of the visual line holding a Qt position."""
        block = self.document().findBlock(qt_position)
        geometry = self.blockBoundingGeometry(block).translated(self.contentOffset())
        layout = block.layout()
        if layout is not None and layout.lineCount() > 0:
            line = layout.lineForTextPosition(qt_position - block.position())
            if line.isValid():
                top = geometry.top() + line.y()
                return top, top + line.height()
        return geometry.top(), geometry.bottom()

    def update_stripe_margin(self) -> None:
        width = self.stripes.preferred_width()
        self.setViewportMargins(0, 0, width, 0)
        self._place_stripes()

    def _place_stripes(self) -> None:
        viewport = self.viewport().geometry()
        self.stripes.setGeometry(
            QRect(viewport.right() + 1, viewport.top(), self.stripes.preferred_width(), viewport.height())
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_stripes()

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        self.stripes.update()

    # -- input ------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if self.editing:
            super().keyPressEvent(event)
            return
        if modifiers == Qt.KeyboardModifier.NoModifier and Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_9:
            self.shortcutPressed.emit(event.key() - Qt.Key.Key_0)
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self.textCursor().hasSelection():
            self.selectionReleased.emit()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        super().mouseDoubleClickEvent(event)
        self.selectionReleased.emit()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.editing:
            super().contextMenuEvent(event)
            return
        position = self.cursorForPosition(event.pos()).position()
        self.contextMenuAt.emit(event.globalPos(), position)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(CODE_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(CODE_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.editing:
            event.ignore()
            return
        ids = code_ids_from_mime(event.mimeData())
        if not ids:
            event.ignore()
            return
        position = self.cursorForPosition(event.position().toPoint()).position()
        event.acceptProposedAction()
        self.codesDropped.emit(ids, position)
