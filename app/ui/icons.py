"""Small icons drawn with QPainter, so the look does not depend on an icon theme being installed.

Perspectives get distinct colours and a letter (C client, T therapist, I interpreter, R researcher): a
researcher scanning the study tree sees whose voice a document carries before reading its name.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

PERSPECTIVE_COLORS = {
    "client": "#2e86de",
    "therapist": "#27ae60",
    "interpreter": "#e67e22",
    "researcher": "#8e44ad",
}
KIND_LABELS = {
    "session": "Session transcript",
    "recall": "Recall interview",
    "note": "Note",
    "other": "Other document",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.capitalize())


def _canvas(size: int = 32) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


@cache
def perspective_icon(perspective: str | None) -> QIcon:
    """A page with a coloured badge carrying the perspective's initial."""
    color = QColor(PERSPECTIVE_COLORS.get(perspective or "", "#7f8c8d"))
    pixmap, painter = _canvas()
    page = QPainterPath()
    page.moveTo(5, 2)
    page.lineTo(20, 2)
    page.lineTo(27, 9)
    page.lineTo(27, 30)
    page.lineTo(5, 30)
    page.closeSubpath()
    painter.setPen(QPen(QColor("#8a939c"), 1.5))
    painter.setBrush(QColor("#ffffff"))
    painter.drawPath(page)
    painter.setPen(QPen(QColor("#c3c9cf"), 1.5))
    for y in (10, 14, 18):
        painter.drawLine(QPointF(9, y), QPointF(22, y))
    if perspective is None:  # a document in nobody's voice (a session transcript): no badge
        painter.end()
        return QIcon(pixmap)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(QRectF(13, 15, 17, 17))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(11)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    letter = (perspective or "?")[0].upper()
    painter.drawText(QRectF(13, 15, 17, 17), Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    return QIcon(pixmap)


@cache
def node_icon(kind: str) -> QIcon:
    pixmap, painter = _canvas()
    if kind == "dyad":  # two people facing each other
        for x, color in ((9, "#2e86de"), (23, "#27ae60")):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawEllipse(QRectF(x - 5, 5, 10, 10))
            painter.drawRoundedRect(QRectF(x - 8, 17, 16, 12), 5, 5)
    elif kind == "session":  # a calendar page
        painter.setPen(QPen(QColor("#6c7a89"), 1.5))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(QRectF(4, 6, 24, 22), 3, 3)
        painter.setBrush(QColor("#c0392b"))
        painter.drawRect(QRectF(4, 6, 24, 6))
        painter.setPen(QPen(QColor("#6c7a89"), 2))
        for x in (10, 22):
            painter.drawLine(QPointF(x, 3), QPointF(x, 8))
    else:  # a folder
        painter.setPen(QPen(QColor("#b7950b"), 1.5))
        painter.setBrush(QColor("#f4d03f"))
        painter.drawRoundedRect(QRectF(3, 9, 26, 19), 2, 2)
        painter.drawRect(QRectF(3, 6, 10, 4))
    painter.end()
    return QIcon(pixmap)


def swatch(color: str, size: int = 14) -> QIcon:
    """A rounded colour square, as in the codebook."""
    pixmap, painter = _canvas(size)
    painter.setPen(QPen(QColor(color).darker(130), 1))
    painter.setBrush(QBrush(QColor(color)))
    painter.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 3, 3)
    painter.end()
    return QIcon(pixmap)


@cache
def app_icon() -> QIcon:
    """Two overlapping speech bubbles: a client and a therapist in conversation."""
    icon = QIcon()
    for size in (16, 32, 64, 128, 256):
        pixmap, painter = _canvas(size)
        s = size / 64
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#2e86de"))
        painter.drawRoundedRect(QRectF(4 * s, 8 * s, 38 * s, 28 * s), 10 * s, 10 * s)
        painter.drawPolygon([QPointF(12 * s, 34 * s), QPointF(10 * s, 46 * s), QPointF(22 * s, 35 * s)])
        painter.setBrush(QColor("#27ae60"))
        painter.drawRoundedRect(QRectF(22 * s, 26 * s, 38 * s, 28 * s), 10 * s, 10 * s)
        painter.drawPolygon([QPointF(50 * s, 52 * s), QPointF(54 * s, 62 * s), QPointF(42 * s, 53 * s)])
        painter.setBrush(QColor("#ffffff"))
        for i in range(3):
            painter.drawEllipse(QRectF((31 + i * 9) * s, 37 * s, 5 * s, 5 * s))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


DRAWN = {
    "document-import": "import",
    "edit-undo": "undo",
    "edit-redo": "redo",
}  # drawn when the theme has none


def standard(name: str) -> QIcon:
    """A theme icon when the desktop has one, otherwise Qt's built-in style icon."""
    fallbacks = {
        "document-new": QStyle.StandardPixmap.SP_FileIcon,
        "document-open": QStyle.StandardPixmap.SP_DialogOpenButton,
        "document-import": QStyle.StandardPixmap.SP_ArrowDown,
        "edit-undo": QStyle.StandardPixmap.SP_ArrowBack,
        "edit-redo": QStyle.StandardPixmap.SP_ArrowForward,
        "edit-delete": QStyle.StandardPixmap.SP_TrashIcon,
        "list-add": QStyle.StandardPixmap.SP_FileDialogNewFolder,
        "help-about": QStyle.StandardPixmap.SP_MessageBoxInformation,
        "window-close": QStyle.StandardPixmap.SP_DialogCloseButton,
        "document-save": QStyle.StandardPixmap.SP_DialogSaveButton,
        "view-refresh": QStyle.StandardPixmap.SP_BrowserReload,
    }
    themed = QIcon.fromTheme(name)
    if not themed.isNull():
        return themed
    if name in DRAWN:
        return action_icon(DRAWN[name])
    return QApplication.style().standardIcon(fallbacks.get(name, QStyle.StandardPixmap.SP_FileIcon))


def _round_pen(color: str, width: float) -> QPen:
    pen = QPen(QColor(color), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def _plus(painter: QPainter, x: float, y: float, size: float = 10) -> None:
    painter.setPen(_round_pen("#ffffff", 5))
    for line in ((x - size / 2, y, x + size / 2, y), (x, y - size / 2, x, y + size / 2)):
        painter.drawLine(QPointF(line[0], line[1]), QPointF(line[2], line[3]))
    painter.setPen(_round_pen("#27ae60", 2.6))
    for line in ((x - size / 2, y, x + size / 2, y), (x, y - size / 2, x, y + size / 2)):
        painter.drawLine(QPointF(line[0], line[1]), QPointF(line[2], line[3]))


@cache
def action_icon(name: str) -> QIcon:
    """Icons for the codebook's actions: new code, new sub-code, rename, colour, merge, key."""
    pixmap, painter = _canvas()
    grey = QColor("#5d6d7e")
    if name == "code-add":
        painter.setPen(QPen(QColor("#1f5f99"), 1.5))
        painter.setBrush(QColor("#2e86de"))
        painter.drawRoundedRect(QRectF(3, 5, 18, 18), 4, 4)
        _plus(painter, 23, 23, 12)
    elif name == "subcode-add":
        painter.setPen(QPen(grey, 2))
        painter.drawLine(QPointF(6, 3), QPointF(6, 17))
        painter.drawLine(QPointF(6, 17), QPointF(11, 17))
        painter.setPen(QPen(QColor("#1f5f99"), 1.5))
        painter.setBrush(QColor("#85c1e9"))
        painter.drawRoundedRect(QRectF(11, 10, 13, 13), 3, 3)
        _plus(painter, 24, 24, 11)
    elif name == "rename":
        painter.setPen(QPen(grey, 1.5))
        painter.setBrush(QColor("#f5b041"))
        body = QPainterPath()
        body.moveTo(21, 4)
        body.lineTo(28, 11)
        body.lineTo(12, 27)
        body.lineTo(5, 27)
        body.lineTo(5, 20)
        body.closeSubpath()
        painter.drawPath(body)
        painter.drawLine(QPointF(17, 8), QPointF(24, 15))
    elif name == "color":
        for (x, y), color in zip(
            ((10, 10), (22, 10), (16, 21)), ("#e74c3c", "#2e86de", "#f1c40f"), strict=True
        ):
            painter.setPen(QPen(QColor(color).darker(130), 1))
            painter.setBrush(QColor(color))
            painter.drawEllipse(QPointF(x, y), 7, 7)
    elif name == "merge":
        painter.setPen(_round_pen(grey.name(), 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        arrow = QPainterPath()
        arrow.moveTo(5, 5)
        arrow.cubicTo(5, 16, 16, 14, 16, 22)
        arrow.moveTo(27, 5)
        arrow.cubicTo(27, 16, 16, 14, 16, 22)
        painter.drawPath(arrow)
        painter.setBrush(grey)
        painter.drawPolygon([QPointF(10, 22), QPointF(22, 22), QPointF(16, 29)])
    elif name == "import":  # a page with an arrow coming into it
        painter.setPen(QPen(grey, 1.5))
        painter.setBrush(QColor("#fdfefe"))
        page = QPainterPath()
        page.moveTo(12, 3)
        page.lineTo(23, 3)
        page.lineTo(29, 9)
        page.lineTo(29, 29)
        page.lineTo(12, 29)
        page.closeSubpath()
        painter.drawPath(page)
        painter.setPen(QPen(QColor("#aab7b8"), 1.5))
        for y in (14, 18, 22):
            painter.drawLine(QPointF(17, y), QPointF(25, y))
        painter.setPen(_round_pen("#27ae60", 3))
        painter.drawLine(QPointF(2, 16), QPointF(13, 16))
        painter.setBrush(QColor("#27ae60"))
        painter.setPen(QPen(QColor("#27ae60"), 1))
        painter.drawPolygon([QPointF(11, 10), QPointF(18, 16), QPointF(11, 22)])
    elif name in ("undo", "redo"):  # a curved arrow turning back (undo) or forward (redo)
        if name == "redo":
            painter.translate(32, 0)
            painter.scale(-1, 1)
        painter.setPen(_round_pen("#2e86de", 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        curve = QPainterPath()
        curve.moveTo(9, 13)
        curve.lineTo(19, 13)
        curve.cubicTo(27, 13, 28, 26, 19, 26)
        curve.lineTo(12, 26)
        painter.drawPath(curve)
        painter.setPen(QPen(QColor("#2e86de"), 1))
        painter.setBrush(QColor("#2e86de"))
        painter.drawPolygon([QPointF(3, 13), QPointF(11, 6), QPointF(11, 20)])
    elif name == "key":
        painter.setPen(QPen(grey, 1.5))
        painter.setBrush(QColor("#fdfefe"))
        painter.drawRoundedRect(QRectF(4, 4, 24, 24), 5, 5)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(15)
        painter.setFont(font)
        painter.drawText(QRectF(4, 3, 24, 24), Qt.AlignmentFlag.AlignCenter, "1")
    painter.end()
    return QIcon(pixmap)
