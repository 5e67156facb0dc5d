"""A delegate that shades a matrix cell by its value (0..1 from the model's SHADE_ROLE), like a heat map,
so a researcher sees at a glance where a perspective dwells on a theme."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHeaderView, QStyledItemDelegate, QStyleOptionViewItem

from app.ui.models.compare_matrix import SHADE_ROLE

SHADE_COLOR = QColor(68, 119, 170)  # a blue that stays readable under black text at its strongest
MIN_ALPHA, MAX_ALPHA = 25, 150


def shade_color(value: float) -> QColor | None:
    """The fill for a value in 0..1; None for zero (unshaded, so absence stands out)."""
    if value <= 0:
        return None
    color = QColor(SHADE_COLOR)
    color.setAlpha(round(MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * min(1.0, value)))
    return color


class ShadeDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        value = index.data(SHADE_ROLE)
        color = shade_color(float(value)) if isinstance(value, (int, float)) else None
        if color is not None:
            painter.save()
            painter.fillRect(option.rect, color)  # type: ignore[attr-defined]
            painter.restore()
        super().paint(painter, option, index)


def stretch_value_columns(header: QHeaderView, first: int, count: int) -> None:
    """Label columns fit their contents; the value columns (from `first`) share the remaining width equally."""
    header.setStretchLastSection(False)
    for column in range(count):
        mode = QHeaderView.ResizeMode.Stretch if column >= first else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, mode)
