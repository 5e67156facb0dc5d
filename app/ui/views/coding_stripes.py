"""Coding stripes: the margin beside the transcript where every coding is a thin bar (NVivo's coding stripes).

Each bar spans exactly the text lines its coding covers (measured from the editor's layout, so wrapped lines and
zoom are honoured), sits in the column the greedy interval colouring gave it (overlaps stand side by side, a long
coding keeps the column nearest the text), and carries its code's name written along it. Only codings meeting
the visible text are measured on each paint.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from html import escape

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.ui.coding_index import CodingIndex, ShownCoding
from app.ui.text_positions import TextPositions

COLUMN_WIDTH = 9  # one column of bars; overlapping codings take neighbouring columns
BAR_WIDTH = 4
LEFT_PAD = 7
MAX_COLUMNS = 24
LABEL_LANE = 118  # code names, written level with the top of their bar


@dataclass(frozen=True)
class Stripe:
    """Where one coding's bar is drawn, in the stripe widget's coordinates."""

    coding: ShownCoding
    column: int
    rect: QRectF  # the bar itself
    hit: QRectF  # the bar's whole column cell, what the mouse may hit
    clipped_top: bool
    clipped_bottom: bool
    label: QRectF = field(default_factory=QRectF)  # where the code name is written (also hit by the mouse)

    def contains(self, point: QPointF) -> bool:
        return self.hit.contains(point) or self.label.contains(point)


class CodingStripes(QWidget):
    """Draws and hit-tests stripes; the editor hosts it in its right viewport margin."""

    codingClicked = Signal(int)  # coding id
    codingContextMenu = Signal(int, QPoint)  # coding id, global position
    hoveredChanged = Signal(object)  # coding id or None

    def __init__(self, view) -> None:  # view: transcript_editor.TextView (kept untyped to avoid a cycle)
        super().__init__(view)
        self._view = view
        self.index = CodingIndex([])
        self.positions = TextPositions("")
        self.hovered: int | None = None
        self.selected: int | None = None
        self.show_coder = False  # add the coder's name to labels when several coders are shown
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.78, 6.5))
        self._label_font = font
        self._bold_font = QFont(font)
        self._bold_font.setBold(True)
        self._elided: dict[tuple[str, int], str] = {}  # labels elided to the lane, by (text, width)

    def set_index(self, index: CodingIndex, positions: TextPositions) -> None:
        self.index, self.positions = index, positions
        if self.hovered not in index.by_id:
            self.hovered = None
        if self.selected not in index.by_id:
            self.selected = None
        self.update()

    def columns_shown(self) -> int:
        return min(self.index.column_count, MAX_COLUMNS)

    def preferred_width(self) -> int:
        return LEFT_PAD + max(self.columns_shown(), 1) * COLUMN_WIDTH + 4 + LABEL_LANE

    def sizeHint(self) -> QSize:
        return QSize(self.preferred_width(), 0)

    # -- geometry -------------------------------------------------------------------------------
    def stripes(self) -> list[Stripe]:
        """Bars for every coding meeting the visible text (tests query this to check the lines spanned)."""
        visible = self._view.visible_qt_range()
        if visible is None or not len(self.index):
            return []
        q_first, q_last = visible
        positions = self.positions
        cp_first, cp_last = positions.to_rapport(q_first), positions.to_rapport(q_last, round_up=True)
        height = self.height()
        result: list[Stripe] = []
        for coding in self.index.overlapping(cp_first, cp_last):
            column = self.index.columns[coding.id]
            if column >= MAX_COLUMNS:
                continue
            q_start = positions.to_qt(coding.start)
            q_end = positions.to_qt(max(coding.end - 1, coding.start))
            clipped_top = q_start < q_first
            clipped_bottom = q_end >= q_last
            top = -2.0 if clipped_top else self._view.line_span(q_start)[0]
            bottom = height + 2.0 if clipped_bottom else self._view.line_span(q_end)[1]
            x = LEFT_PAD + column * COLUMN_WIDTH
            rect = QRectF(x, top + 1, BAR_WIDTH, max(bottom - top - 2, 3))
            hit = QRectF(x - 2, top, COLUMN_WIDTH, max(bottom - top, 5))
            result.append(Stripe(coding, column, rect, hit, clipped_top, clipped_bottom))
        return self._place_labels(result)

    def _place_labels(self, stripes: list[Stripe]) -> list[Stripe]:
        """Names go level with the top of their bar (or the visible top when it begins above), in bar order;
        a name that would overlap the one above slides down just below it."""
        line = QFontMetrics(self._label_font).height()
        lane = LEFT_PAD + max(self.columns_shown(), 1) * COLUMN_WIDTH + 4
        placed: list[Stripe] = []
        floor = -1e9
        for stripe in sorted(stripes, key=lambda s: (max(s.rect.top(), 0.0), s.column)):
            y = max(max(stripe.rect.top(), 0.0), floor)
            label = QRectF(lane, y, LABEL_LANE - 4, line)
            floor = y + line
            placed.append(replace(stripe, label=label))
        return placed

    def stripe_at(self, point: QPoint) -> Stripe | None:
        """The stripe under a point; of nested ones the shortest, so an inner coding stays reachable."""
        where = QPointF(point)
        best: Stripe | None = None
        for stripe in self.stripes():
            if stripe.contains(where) and (best is None or stripe.hit.height() < best.hit.height()):
                best = stripe
        return best

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#f6f7f9"))
        painter.setPen(QPen(QColor("#dfe2e7"), 1))
        painter.drawLine(0, event.rect().top(), 0, event.rect().bottom())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self._label_font)
        metrics = QFontMetrics(self._label_font)
        for stripe in self.stripes():
            self._paint_stripe(painter, stripe, metrics)
        painter.end()

    def _paint_stripe(self, painter: QPainter, stripe: Stripe, metrics: QFontMetrics) -> None:
        coding = stripe.coding
        color = QColor(coding.color)
        emphasised = coding.id in (self.hovered, self.selected)
        rect = QRectF(stripe.rect)
        if emphasised:
            band = QRectF(
                stripe.hit.left(), stripe.rect.top(), self.width() - stripe.hit.left(), rect.height()
            )
            painter.fillRect(band, QColor(color.red(), color.green(), color.blue(), 26))
            rect.adjust(-1, 0, 1, 0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 2, 2)
        # A short tick at each visible end makes the bar read as a bracket around exactly those lines.
        painter.setPen(QPen(color, 1.5))
        if not stripe.clipped_top:
            painter.drawLine(
                QPointF(rect.left(), rect.top() + 0.75), QPointF(rect.left() - 3, rect.top() + 0.75)
            )
        if not stripe.clipped_bottom:
            painter.drawLine(
                QPointF(rect.left(), rect.bottom() - 0.75), QPointF(rect.left() - 3, rect.bottom() - 0.75)
            )
        label = stripe.label
        if label.isEmpty() or label.top() > self.height():
            return
        # A faint leader from the bar to its name when the name had to slide down or sits columns away.
        anchor_y = label.center().y()
        leader_x = rect.right() + 1
        painter.setPen(QPen(QColor(color.red(), color.green(), color.blue(), 110 if emphasised else 70), 1))
        if stripe.rect.top() <= anchor_y <= stripe.rect.bottom():
            painter.drawLine(QPointF(leader_x, anchor_y), QPointF(label.left() - 2, anchor_y))
        text = coding.code_name if not self.show_coder else f"{coding.code_name} · {coding.coder_name}"
        key = (text, int(label.width()))
        elided = self._elided.get(key)
        if elided is None:
            elided = self._elided[key] = metrics.elidedText(text, Qt.TextElideMode.ElideRight, key[1])
        text = elided
        ink = color.darker(150) if color.lightness() > 120 else color
        painter.setFont(self._bold_font if emphasised else self._label_font)
        painter.setPen(ink)
        painter.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    # -- interaction ------------------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        stripe = self.stripe_at(event.position().toPoint())
        self._set_hovered(stripe.coding.id if stripe else None)
        self.setCursor(Qt.CursorShape.PointingHandCursor if stripe else Qt.CursorShape.ArrowCursor)

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hovered(None)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        stripe = self.stripe_at(event.position().toPoint())
        if stripe is None:
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.selected = stripe.coding.id
            self.update()
            self.codingClicked.emit(stripe.coding.id)

    def contextMenuEvent(self, event) -> None:
        stripe = self.stripe_at(event.pos())
        if stripe is not None:
            self.selected = stripe.coding.id
            self.update()
            self.codingContextMenu.emit(stripe.coding.id, event.globalPos())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            stripe = self.stripe_at(event.pos())
            if stripe is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_for(stripe.coding), self)
            return True
        return super().event(event)

    def tooltip_for(self, coding: ShownCoding) -> str:
        excerpt = self._view.stored_text()[coding.start : coding.end]
        if len(excerpt) > 160:
            excerpt = excerpt[:157] + "…"
        parts = [
            f"<b style='color:{coding.color}'>■</b> <b>{escape(coding.code_name)}</b>",
            f"Coder: {escape(coding.coder_name or '?')}",
            f"<i>“{escape(excerpt)}”</i>",
        ]
        if coding.memo:
            memo = coding.memo if len(coding.memo) <= 300 else coding.memo[:297] + "…"
            parts.append(f"Memo: {escape(memo)}")
        return "<br>".join(parts)

    def _set_hovered(self, coding_id: int | None) -> None:
        if coding_id != self.hovered:
            self.hovered = coding_id
            self.update()
            self.hoveredChanged.emit(coding_id)
