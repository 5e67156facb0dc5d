"""The theme x perspective matrix as a Qt tree: codes hierarchical (rows), perspectives as columns.

`CodeRowsTreeModel` turns any list of rows carrying `code_id`, `parent_id`, `name` and `color` (in tree order)
into a read-only tree; the comparison matrix and the across-dyads prevalence matrix are both built on it.
Cells expose their numbers through custom roles so the shading delegate and the view never parse text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.domain.comparison import Cell, DyadComparison, MatrixRow
from app.domain.plural import count

CODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PERSPECTIVE_ROLE = Qt.ItemDataRole.UserRole + 2
SHADE_ROLE = Qt.ItemDataRole.UserRole + 3  # 0.0..1.0: how strongly the delegate shades the cell
CELL_ROLE = Qt.ItemDataRole.UserRole + 4

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument


class CodeRowsTreeModel(QAbstractItemModel):
    """Read-only tree over rows in tree order; column 0 is the code, subclasses supply the other columns."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._children: dict[int, list[int]] = {-1: []}  # row position -> child positions; -1 is the root
        self._parent: list[int] = []
        self._row_in_parent: list[int] = []

    # -- subclasses ---------------------------------------------------------------------------------
    def value_columns(self) -> int:
        return 0

    def value_header(self, column: int) -> str:
        return ""

    def value_data(self, row: Any, column: int, role: int) -> Any:
        return None

    # -- building -----------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._load(rows)
        self.endResetModel()

    def _load(self, rows: Sequence[Any]) -> None:
        """Replace the rows; call only between beginResetModel() and endResetModel()."""
        self._rows = list(rows)
        position = {row.code_id: i for i, row in enumerate(self._rows)}
        self._children = {-1: []}
        self._parent = []
        self._row_in_parent = []
        for i, row in enumerate(self._rows):
            parent = position.get(row.parent_id, -1) if row.parent_id is not None else -1
            if parent >= i:  # a parent must come first (tree order); otherwise show it at the top level
                parent = -1
            siblings = self._children.setdefault(parent, [])
            self._parent.append(parent)
            self._row_in_parent.append(len(siblings))
            siblings.append(i)
            self._children.setdefault(i, [])

    def row_at(self, index: AnyIndex) -> Any | None:
        if not index.isValid():
            return None
        return self._rows[index.internalId()]

    def index_of_code(self, code_id: int, column: int = 0) -> QModelIndex:
        for i, row in enumerate(self._rows):
            if row.code_id == code_id:
                return self.createIndex(self._row_in_parent[i], column, i)
        return QModelIndex()

    # -- QAbstractItemModel -------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        key = parent.internalId() if parent.isValid() else -1
        children = self._children.get(key, [])
        return self.createIndex(row, column, children[row])

    def parent(self, index: AnyIndex = ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = self._parent[index.internalId()]
        if parent < 0:
            return QModelIndex()
        return self.createIndex(self._row_in_parent[parent], 0, parent)

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        key = parent.internalId() if parent.isValid() else -1
        return len(self._children.get(key, []))

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 1 + self.value_columns()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Code"
        if 0 < section < self.columnCount():
            return self.value_header(section - 1)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        if role == CODE_ID_ROLE:
            return row.code_id
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.path
            if role == Qt.ItemDataRole.DecorationRole:
                return QColor(row.color)
            return None
        return self.value_data(row, index.column() - 1, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def cell_text(cell: Cell) -> str:
    if not cell.codings:
        return "–"
    documents = "doc" if cell.documents == 1 else "docs"
    return f"{cell.codings} · {cell.documents} {documents} · {cell.coverage * 100:.1f}%"


class CompareMatrixModel(CodeRowsTreeModel):
    """Rows: codes with rolled-up counts; columns: the perspectives present in the selection."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.comparison: DyadComparison | None = None
        self._perspectives: tuple[str, ...] = ()
        self._max_coverage = 0.0

    def set_comparison(self, comparison: DyadComparison | None) -> None:
        self.comparison = comparison
        rows = comparison.rows if comparison else []
        self._max_coverage = max((c.coverage for r in rows for c in r.cells.values()), default=0.0)
        self.beginResetModel()  # the column set may change with the perspectives present
        self._perspectives = comparison.perspectives if comparison else ()
        self._load(rows)
        self.endResetModel()

    @property
    def perspectives(self) -> tuple[str, ...]:
        return self._perspectives

    def perspective_of_column(self, column: int) -> str | None:
        return self._perspectives[column - 1] if 0 < column <= len(self._perspectives) else None

    def value_columns(self) -> int:
        return len(self._perspectives)

    def value_header(self, column: int) -> str:
        return self._perspectives[column].title()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        perspective = self.perspective_of_column(section)
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and perspective is not None
            and self.comparison is not None
            and perspective in self.comparison.corpora
        ):
            corpus = self.comparison.corpora[perspective]
            return f"{perspective}: {count(corpus.words, 'word', thousands=True)} in {count(corpus.documents, 'document')}"
        return super().headerData(section, orientation, role)

    def value_data(self, row: MatrixRow, column: int, role: int) -> Any:
        perspective = self._perspectives[column]
        cell = row.cells.get(perspective, Cell())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{row.path}, {perspective}: {count(cell.codings, 'coding')} in {count(cell.documents, 'document')}; "
                f"{cell.coded_words} of {cell.total_words} words coded ({cell.coverage * 100:.2f}%)"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == PERSPECTIVE_ROLE:
            return perspective
        if role == SHADE_ROLE:
            return cell.coverage / self._max_coverage if self._max_coverage else 0.0
        if role == CELL_ROLE:
            return cell
        return None
