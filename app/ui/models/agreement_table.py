"""Item models of the agreement window: the per-code table (with a total row) and the disagreements."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.services.agreement import AgreementReport, CodeAgreement, Disagreement

LOW, FAIR = 0.6, 0.8
LOW_COLOUR, FAIR_COLOUR = QColor("#f4c7c3"), QColor("#fce8b2")
Index = QModelIndex | QPersistentModelIndex


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"  # no "-0.000"


class AgreementTableModel(QAbstractTableModel):
    """One row per code and a last "All codes" row; coefficients under 0.6 / 0.8 get a red / amber background."""

    COLUMNS = (
        "Code",
        "Units",
        "% agreement",
        "Kappa",
        "95% CI",
        "Alpha",
        "AC1",
        "Prevalence",
        "Bias",
        "u-alpha",
    )
    FLAGGED: ClassVar[dict[int, str]] = {3: "kappa", 5: "alpha", 6: "ac1", 9: "u_alpha"}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[CodeAgreement] = []
        self.unit = "character"
        self.coders = 2

    def set_report(self, report: AgreementReport | None) -> None:
        self.beginResetModel()
        self._rows = [] if report is None else [*report.codes, report.overall]
        self.unit = "character" if report is None else report.unit
        self.coders = 2 if report is None else len(report.coders)
        self.endResetModel()

    def row_data(self, row: int) -> CodeAgreement:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self.COLUMNS):
            if section == 3 and self.unit == "segment":
                return "Kappa (B&P)"
            if section == 3 and self.coders > 2:
                return "Fleiss' kappa"
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and column in self.FLAGGED:
            value = getattr(row, self.FLAGGED[column])
            if value is not None and value < FAIR:
                return QBrush(LOW_COLOUR if value < LOW else FAIR_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column in self.FLAGGED:
            value = getattr(row, self.FLAGGED[column])
            if value is None:
                return "Undefined for these data (for example: neither coder varied)."
            if value < LOW:
                return "Under 0.6"
            if value < FAIR:
                return "Under 0.8"
        if role == Qt.ItemDataRole.FontRole and row.code_id is None:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _display(self, row: CodeAgreement, column: int) -> str:
        if column == 0:
            return "All codes" if row.code_id is None else row.code
        if column == 1:
            return str(row.n_units)
        if column == 2:
            return _number(None if row.percent_agreement is None else 100 * row.percent_agreement, 1)
        if column == 4:
            interval = row.kappa_interval
            return "–" if interval is None else f"[{_number(interval[0], 2)}, {_number(interval[1], 2)}]"
        attribute = {3: "kappa", 5: "alpha", 6: "ac1", 7: "prevalence", 8: "bias", 9: "u_alpha"}[column]
        return _number(getattr(row, attribute))


class DisagreementsModel(QAbstractTableModel):
    """Document, range, coder A's codes, coder B's codes and the text of every disagreement."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: list[Disagreement] = []
        self._items: list[Disagreement] = []
        self.coder_names = ("A", "B")
        self.code_filter: int | None = None

    def set_items(self, items: list[Disagreement], coder_names: tuple[str, str]) -> None:
        self.beginResetModel()
        self._all = list(items)
        self.coder_names = coder_names
        self._items = self._visible()
        self.endResetModel()

    def set_code_filter(self, code_id: int | None) -> None:
        """Show only disagreements involving this code (None: all)."""
        self.beginResetModel()
        self.code_filter = code_id
        self._items = self._visible()
        self.endResetModel()

    def _visible(self) -> list[Disagreement]:
        if self.code_filter is None:
            return list(self._all)
        wanted = self.code_filter
        return [d for d in self._all if any(c == wanted for c, _n in (*d.codes_a, *d.codes_b))]

    def all_items(self) -> list[Disagreement]:
        return list(self._all)

    def item(self, row: int) -> Disagreement:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < 6
        ):
            return ("Document", "Range", self.coder_names[0], self.coder_names[1], "Consensus", "Text")[
                section
            ]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._items)):
            return None
        item = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == 0:
                return item.document
            if column == 1:
                return f"{item.start}–{item.end}"
            if column in (2, 3):
                codes = item.codes_a if column == 2 else item.codes_b
                return ", ".join(name for _id, name in codes) or "(not coded)"
            if column == 4:
                if item.codes_consensus is None:
                    return "" if role == Qt.ItemDataRole.DisplayRole else "No consensus coder yet."
                return ", ".join(name for _id, name in item.codes_consensus) or "(not coded)"
            if column == 5:
                flat = " ".join(item.text.split())
                if role == Qt.ItemDataRole.ToolTipRole:
                    return flat
                return flat if len(flat) <= 120 else flat[:119] + "…"
        return None
