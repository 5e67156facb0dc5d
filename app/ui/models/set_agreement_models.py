"""Item models of a code set's agreement: the figures with their intervals, and the values with the
coincidence matrix (Krippendorff 2011) beside each value's Fleiss' kappa."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from app.services.set_agreement import SetAgreementReport
from app.ui.models.agreement_table import FAIR, FAIR_COLOUR, LOW, LOW_COLOUR

Index = QModelIndex | QPersistentModelIndex


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"


def _shade(value: float | None) -> QBrush | None:
    if value is None or value >= FAIR:
        return None
    return QBrush(LOW_COLOUR if value < LOW else FAIR_COLOUR)


class SetFiguresModel(QAbstractTableModel):
    """Alpha at the chosen level, Fleiss' kappa, Cohen's kappa and percent agreement, each with its 95% CI."""

    COLUMNS = ("Figure", "Value", "95% CI", "Units used")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, float | None, str, str, bool]] = []

    def set_report(self, report: SetAgreementReport | None) -> None:
        self.beginResetModel()
        self._rows = [] if report is None else self._build(report)
        self.endResetModel()

    @staticmethod
    def _build(report: SetAgreementReport) -> list[tuple[str, float | None, str, str, bool]]:
        f = report.figures

        def interval(name: str, scale: float = 1) -> str:
            found = f.intervals.get(name)
            if found is None:
                return "–"
            digits = 2 if scale == 1 else 1
            return f"[{_number(scale * found[0], digits)}, {_number(scale * found[1], digits)}]"

        percent = None if f.percent_agreement is None else 100 * f.percent_agreement
        return [
            (f"Krippendorff's alpha ({report.level})", f.alpha, _number(f.alpha), interval("alpha"),
             f"{f.pairable} pairable", True),
            ("Fleiss' kappa", f.fleiss_kappa, _number(f.fleiss_kappa), interval("fleiss_kappa"),
             f"{f.complete} coded by all", True),
            ("Cohen's kappa (two coders)", f.cohen_kappa, _number(f.cohen_kappa), interval("cohen_kappa"),
             f"{f.complete} coded by both" if f.coders == 2 else "–", True),
            ("% agreement", percent, _number(percent, 1), interval("percent_agreement", 100),
             f"{f.pairable} pairable", False),
        ]  # fmt: skip

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section] if 0 <= section < len(self.COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        label, value, text, ci, used, flagged = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (label, text, ci, used)[column]
        if role == Qt.ItemDataRole.BackgroundRole and column == 1 and flagged:
            return _shade(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SetValuesModel(QAbstractTableModel):
    """One row a value: its number, how often it was given in pairable units, Fleiss' kappa against the
    others, then its row of the coincidence matrix (one column a value)."""

    FIXED = ("Value", "Number", "Pairable values", "Fleiss' kappa")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.report: SetAgreementReport | None = None
        self._rows: list[dict[str, Any]] = []

    def set_report(self, report: SetAgreementReport | None) -> None:
        self.beginResetModel()
        self.report = report
        self._rows = [] if report is None else report.value_rows()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.report is None else len(self.FIXED) + len(self._rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(self.FIXED):
                return self.FIXED[section]
            return f"o: {self._rows[section - len(self.FIXED)]['code']}"
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(self.FIXED):
            return (
                "Coincidences (Krippendorff 2011): pairs of values within units, each weighted 1/(m_u - 1)."
            )
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or self.report is None:
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row["code"]
            if column == 1:
                return "–" if row["number"] is None else f"{row['number']:g}"
            if column == 2:
                return f"{row['pairable_values']:g}"
            if column == 3:
                return _number(row["fleiss_kappa"])
            return f"{self.report.figures.coincidences[index.row()][column - len(self.FIXED)]:.2f}"
        if role == Qt.ItemDataRole.BackgroundRole and column == 3:
            return _shade(row["fleiss_kappa"])
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
