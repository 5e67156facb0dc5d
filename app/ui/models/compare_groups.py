"""Theme prevalence across groups of dyads as a Qt tree: codes as rows, (group, perspective) as columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.domain.theme_prevalence import GroupComparison, PrevalenceRow
from app.ui.attribute_labels import group_label
from app.ui.models.compare_matrix import CELL_ROLE, SHADE_ROLE, CodeRowsTreeModel

GROUP_ROLE = Qt.ItemDataRole.UserRole + 20


class GroupMatrixModel(CodeRowsTreeModel):
    """Each cell: dyads of the group where the perspective raised the theme, of all dyads in the group."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.comparison: GroupComparison | None = None
        self._columns: list[tuple[str, str]] = []

    def set_comparison(self, comparison: GroupComparison | None) -> None:
        self.comparison = comparison
        self.beginResetModel()
        self._columns = (
            [(g, p) for g in comparison.groups for p in comparison.perspectives] if comparison else []
        )
        self._load(comparison.rows if comparison else [])
        self.endResetModel()

    def column_key(self, column: int) -> tuple[str, str] | None:
        return self._columns[column - 1] if 0 < column <= len(self._columns) else None

    def value_columns(self) -> int:
        return len(self._columns)

    def value_header(self, column: int) -> str:
        group, perspective = self._columns[column]
        attribute = self.comparison.attribute if self.comparison else ""
        return f"{group_label(attribute, group)}\n{perspective.title()}"

    def value_data(self, row: PrevalenceRow, column: int, role: int) -> Any:
        key = self._columns[column]
        cell = row.cells[key]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{cell.dyads_raised}/{cell.dyads} ({cell.prevalence * 100:.0f}%)"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{row.path}: the {key[1]} raised it in {cell.dyads_raised} of {cell.dyads} dyads of group "
                f"{key[0]} ({cell.with_perspective} with {key[1]} documents; {cell.codings} codings)"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == SHADE_ROLE:
            return cell.prevalence
        if role == GROUP_ROLE:
            return key
        if role == CELL_ROLE:
            return cell
        return None
