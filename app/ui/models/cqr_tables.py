"""Item models of the CQR workbench: the cross-analysis table, the core-ideas grid, the audit comments and the
excerpts a core idea can rest on. Plain table models over the services' data; they are reset when the data
is recomputed (a whole table at a time: the cross-analysis changes as a whole when one coding changes)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.cqr import Category, CrossAnalysis
from app.services.cqr import Case, CoreIdea, CoreIdeaGrid, Excerpt
from app.services.cqr_audit import Comment

Index = QModelIndex | QPersistentModelIndex
LABEL_COLORS = {"general": "#1b7837", "typical": "#5aae61", "variant": "#a6dba0", "rare": "#d9f0d3"}
MARKED_BRUSH = QBrush(QColor("#fff3cd"))
EMPTY_BRUSH = QBrush(QColor("#888888"))
CELL_CHARS = 110  # a grid cell shows the start of a core idea; the tooltip and the editor show all of it


class _Table(QAbstractTableModel):
    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.headers: list[str] = list(self.COLUMNS)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def _rows(self) -> int:
        return 0


class CrossAnalysisModel(_Table):
    """Rows: domains and their categories (indented); columns: the category, then one per group."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result: CrossAnalysis | None = None
        self.headers = ["Domain / category"]

    def set_result(self, result: CrossAnalysis | None) -> None:
        self.beginResetModel()
        self.result = result
        groups = result.groups if result else []
        self.headers = ["Domain / category"] + [f"{g.name} (n = {len(g.cases)})" for g in groups]
        self.endResetModel()

    def _rows(self) -> int:
        return len(self.result.categories) if self.result else 0

    def category_at(self, index: Index) -> Category | None:
        if self.result is None or not index.isValid():
            return None
        return self.result.categories[index.row()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        category = self.category_at(index)
        if category is None or self.result is None:
            return None
        marked = self.result.marked(category.id)
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return "    " * category.depth + category.name + (" *" if marked else "")
            if role == Qt.ItemDataRole.FontRole and category.depth == 0:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                kind = "domain" if category.depth == 0 else "category"
                extra = "; its labels differ between groups" if marked else ""
                return f"{category.path} ({kind}){extra}"
        else:
            group = self.result.groups[index.column() - 1]
            cell = self.result.cell(category.id, group.name)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{cell.label.capitalize() if cell.label else '–'} ({cell.cases_with})"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{category.path}: coded in {cell.cases_with} of {cell.cases} cases of {group.name}"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            if role == Qt.ItemDataRole.BackgroundRole and cell.label:
                return QBrush(QColor(LABEL_COLORS[cell.label]))
            if role == Qt.ItemDataRole.ForegroundRole and cell.label == "general":
                return QBrush(QColor("white"))
        if role == Qt.ItemDataRole.BackgroundRole and marked:
            return MARKED_BRUSH
        return None


class CoreIdeaGridModel(_Table):
    """Rows: cases; columns: domains; a cell shows the core idea or, greyed, that there is none yet."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.grid: CoreIdeaGrid | None = None

    def set_grid(self, grid: CoreIdeaGrid | None) -> None:
        self.beginResetModel()
        self.grid = grid
        self.headers = [d.name for d in grid.domains] if grid else []
        self.endResetModel()

    def _rows(self) -> int:
        return len(self.grid.cases) if self.grid else 0

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole and self.grid:
            return self.grid.cases[section].label if 0 <= section < len(self.grid.cases) else None
        return super().headerData(section, orientation, role)

    def cell_at(self, index: Index) -> tuple[Case, Category, CoreIdea | None] | None:
        if self.grid is None or not index.isValid():
            return None
        case, domain = self.grid.cases[index.row()], self.grid.domains[index.column()]
        return case, domain, self.grid.idea(case, domain.id)

    def index_of(self, case: Case, domain_id: int) -> QModelIndex:
        if self.grid is None:
            return QModelIndex()
        rows = [i for i, c in enumerate(self.grid.cases) if c == case]
        columns = [i for i, d in enumerate(self.grid.domains) if d.id == domain_id]
        return self.index(rows[0], columns[0]) if rows and columns else QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        found = self.cell_at(index)
        if found is None:
            return None
        case, domain, idea = found
        if role == Qt.ItemDataRole.DisplayRole:
            if idea is None:
                return "—"
            linked = f" [{len(idea.excerpts)}]" if idea.excerpts else ""
            text = idea.text if len(idea.text) <= CELL_CHARS else idea.text[: CELL_CHARS - 1] + "…"
            return text + linked
        if role == Qt.ItemDataRole.ToolTipRole:
            if idea is None:
                return f"No core idea yet for {case.label} in {domain.name}"
            return f"{case.label}, {domain.name}: {idea.text} ({len(idea.excerpts)} excerpt(s))"
        if role == Qt.ItemDataRole.ForegroundRole and idea is None:
            return EMPTY_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and idea is None:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class AuditCommentsModel(_Table):
    COLUMNS = ("#", "About", "Auditor", "Comment", "Status", "Team's answer")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.comments: list[Comment] = []

    def set_comments(self, comments: list[Comment]) -> None:
        self.beginResetModel()
        self.comments = list(comments)
        self.endResetModel()

    def _rows(self) -> int:
        return len(self.comments)

    def comment_at(self, index: Index) -> Comment | None:
        return self.comments[index.row()] if index.isValid() else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        comment = self.comment_at(index)
        if comment is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            last = comment.answers[-1] if comment.answers else None
            values = [
                str(comment.id), comment.about, comment.auditor, comment.text, comment.status,
                (last.text or last.decision) if last else "",
            ]  # fmt: skip
            return values[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 4 and comment.status == "open":
            return QBrush(QColor("#b35806"))
        return None


class ExcerptChoiceModel(_Table):
    """The case's coded excerpts in a domain, each with a check box: checked ones are the core idea's."""

    COLUMNS = ("Excerpt", "Code", "Document", "Coder")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.excerpts: list[Excerpt] = []
        self.checked: set[int] = set()

    def set_excerpts(self, excerpts: list[Excerpt], checked: set[int]) -> None:
        self.beginResetModel()
        self.excerpts = sorted(excerpts, key=lambda e: e.coding_id not in checked)  # linked ones first
        self.checked = set(checked)
        self.endResetModel()

    def _rows(self) -> int:
        return len(self.excerpts)

    def chosen(self) -> list[int]:
        return [e.coding_id for e in self.excerpts if e.coding_id in self.checked]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        excerpt = self.excerpts[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return [f"“{excerpt.text}”", excerpt.code, excerpt.document, excerpt.coder][index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            return Qt.CheckState.Checked if excerpt.coding_id in self.checked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        coding_id = self.excerpts[index.row()].coding_id
        state = Qt.CheckState(value) if not isinstance(value, Qt.CheckState) else value
        if state == Qt.CheckState.Checked:
            self.checked.add(coding_id)
        else:
            self.checked.discard(coding_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True
