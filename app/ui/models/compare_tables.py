"""Flat tables of the comparison view: a cell's excerpts, and one code's excerpts side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.comparison import Excerpt
from app.domain.side_by_side import AlignedRow
from app.domain.timecode import format_timecode

EXCERPT_ROLE = Qt.ItemDataRole.UserRole + 10
AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument


def moment_text(ms: int | None) -> str:
    return format_timecode(ms) if ms is not None else ""


def one_line(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ExcerptTableModel(QAbstractTableModel):
    """Excerpts with where they come from: session, video moment, perspective, speaker, document, coder."""

    HEADERS = ("Session", "Video", "Perspective", "Speaker", "Code", "Excerpt", "Document", "Coder")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Excerpt] = []

    def set_excerpts(self, excerpts: Sequence[Excerpt]) -> None:
        self.beginResetModel()
        self._rows = list(excerpts)
        self.endResetModel()

    def excerpt_at(self, index: AnyIndex) -> Excerpt | None:
        return self._rows[index.row()] if index.isValid() and index.row() < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        excerpt = self.excerpt_at(index)
        if excerpt is None:
            return None
        if role == EXCERPT_ROLE:
            return excerpt
        if role == Qt.ItemDataRole.ToolTipRole:
            return excerpt.text
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            "" if excerpt.session is None else str(excerpt.session),
            moment_text(excerpt.video_ref_ms),
            excerpt.perspective or "",
            excerpt.speaker or "",
            excerpt.code,
            one_line(excerpt.text),
            excerpt.document,
            excerpt.coder,
        )
        return values[index.column()]


class SideBySideModel(QAbstractTableModel):
    """Rows aligned by video moment; a column per perspective holding that perspective's excerpt."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AlignedRow] = []
        self._perspectives: tuple[str, ...] = ()

    def set_rows(self, perspectives: Sequence[str], rows: Sequence[AlignedRow]) -> None:
        self.beginResetModel()
        self._perspectives = tuple(perspectives)
        self._rows = list(rows)
        self.endResetModel()

    @property
    def perspectives(self) -> tuple[str, ...]:
        return self._perspectives

    def excerpt_at(self, index: AnyIndex) -> Excerpt | None:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() < 2:
            return None
        perspective = self._perspectives[index.column() - 2]
        return self._rows[index.row()].cells.get(perspective)

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else 2 + len(self._perspectives)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "Session"
        if section == 1:
            return "Video moment"
        if 2 <= section < self.columnCount():
            return self._perspectives[section - 2].title()
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if index.column() < 2:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            if index.column() == 0:
                return "" if row.session is None else str(row.session)
            return moment_text(row.time_ms) or "(no video moment)"
        excerpt = self.excerpt_at(index)
        if excerpt is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            moment = moment_text(excerpt.video_ref_ms)
            where = f"[{moment}] " if moment else ""
            return f"{where}“{one_line(excerpt.text, 400)}”  — {excerpt.coder}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{excerpt.document}, session {excerpt.session}, {excerpt.speaker or 'no speaker'}, "
                f"coded {excerpt.code} by {excerpt.coder}\nDouble-click to open it in its document."
            )
        if role == EXCERPT_ROLE:
            return excerpt
        return None
