"""The audit log as a table: one row an entry (number, when, who, action, detail); a broken entry in red."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.audit import AuditRecord

COLUMNS = ("#", "When (UTC)", "Who", "Action", "Detail")
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def detail_text(detail: dict[str, Any]) -> str:
    def shown(value: Any) -> str:
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)

    return "; ".join(f"{key}: {shown(value)}" for key, value in detail.items())


class AuditTableModel(QAbstractTableModel):
    def __init__(self, records: list[AuditRecord] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._records: list[AuditRecord] = list(records or [])
        self._first_bad: int | None = None

    def set_records(self, records: list[AuditRecord], first_bad: int | None = None) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._first_bad = first_bad
        self.endResetModel()

    def record(self, row: int) -> AuditRecord:
        return self._records[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._records)):
            return None
        record = self._records[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (record.id, record.at.replace("T", " ").rstrip("Z"), record.coder, record.action,
                      detail_text(record.detail))  # fmt: skip
            return values[index.column()] if index.column() < len(values) else None
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and self._first_bad is not None
            and record.id >= self._first_bad
        ):
            return QBrush(QColor("#c0392b"))
        return None
