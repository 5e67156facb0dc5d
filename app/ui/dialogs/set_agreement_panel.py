"""The agreement window's "Code set" tab: agreement on mutually exclusive values (a rupture type, a 1-5
rating) of the coders and documents chosen above, at the nominal, ordinal, interval or ratio level.

Computed on a worker thread (`app.ui.tasks`) with a Cancel button, like the per-code table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.agreement_sets import LEVELS
from app.domain.errors import OperationCancelled, RapportError
from app.services import code_sets, set_agreement_report
from app.services.agreement_data import AgreementRequest
from app.services.set_agreement import SetAgreementReport, SetAgreementRequest, set_agreement
from app.ui.context import AppContext
from app.ui.dialogs.agreement_controls import threshold_box
from app.ui.dialogs.crash_dialog import report_error
from app.ui.models.set_agreement_models import SetFiguresModel, SetValuesModel
from app.ui.report_export import ask_save_path, export_report
from app.ui.tasks import Task, run_in_background

UNIT_LABELS = {
    "presence": "Document (the value each coder gave it)",
    "segment": "Segment (overlapping codings)",
}
LEVEL_LABELS = {
    "nominal": "Nominal (categories)",
    "ordinal": "Ordinal (codebook order)",
    "interval": "Interval (the values' numbers)",
    "ratio": "Ratio (numbers from a true zero)",
}


class SetAgreementPanel(QWidget):
    """Choose a parent code whose sub-codes are the values; read alpha, kappas, agreement and coincidences."""

    def __init__(
        self, context: AppContext, base_request: Callable[[], AgreementRequest], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.base_request = base_request  # the coders and document filters chosen in the window
        self.report: SetAgreementReport | None = None
        self.task: Task | None = None
        self.choose_save_path: Callable[[str, str], str] = lambda title, file_filter: ask_save_path(
            self, title, file_filter
        )
        self.show_error: Callable[[str], None] = lambda text: None

        self.code_set = QComboBox()
        self.code_set.setToolTip(
            "A parent code whose sub-codes are mutually exclusive values, in codebook order. Codes marked as "
            "sets in the codebook come first; any parent with two sub-codes or more can be compared as one."
        )
        self.unit = QComboBox()
        for unit, label in UNIT_LABELS.items():
            self.unit.addItem(label, unit)
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(LEVEL_LABELS[level], level)
        self.threshold = threshold_box(
            "Segment unit: codings of different coders overlapping this much form one unit."
        )
        self.unit.currentIndexChanged.connect(
            lambda: self.threshold.setEnabled(self.unit.currentData() == "segment")
        )
        self.threshold.setEnabled(False)
        self.compute_button = QPushButton("Compute set agreement")
        self.compute_button.clicked.connect(self.compute)
        self.export_csv_button = QPushButton("Export (CSV)…")
        self.export_docx_button = QPushButton("Export report (DOCX)…")
        self.export_csv_button.clicked.connect(self.export_csv)
        self.export_docx_button.clicked.connect(self.export_docx)

        self.figures_model = SetFiguresModel(self)
        self.figures = QTableView()
        self.figures.setModel(self.figures_model)
        self.figures.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.values_model = SetValuesModel(self)
        self.values = QTableView()
        self.values.setModel(self.values_model)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        choices = QHBoxLayout()
        for label, widget in (("Set", self.code_set), ("Unit", self.unit), ("Level", self.level)):
            choices.addWidget(QLabel(label))
            choices.addWidget(widget, 1)
        choices.addWidget(QLabel("Overlap"))
        choices.addWidget(self.threshold)
        actions = QHBoxLayout()
        actions.addWidget(self.compute_button)
        actions.addStretch(1)
        actions.addWidget(self.export_csv_button)
        actions.addWidget(self.export_docx_button)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.figures, 1)
        layout.addWidget(
            QLabel("Values: number, use, Fleiss' kappa of the value against the rest, coincidences")
        )
        layout.addWidget(self.values, 1)
        self.reload_sets()
        self._update_buttons()

    def reload_sets(self, parents: list[tuple[int, str]] | None = None) -> None:
        """Offer every parent with two sub-codes or more (`parents`: (id, path) in tree order), marked first."""
        keep = self.code_set.currentData()
        project = self.context.project
        if parents is None:
            parents = []
        marked = {found.id for found in code_sets.marked_sets(project)} if project is not None else set()
        self.code_set.clear()
        for code_id, path in sorted(parents, key=lambda item: item[0] not in marked):
            self.code_set.addItem(f"{path} (set)" if code_id in marked else path, code_id)
        index = self.code_set.findData(keep) if keep is not None else 0
        self.code_set.setCurrentIndex(max(index, 0))

    def current_request(self) -> SetAgreementRequest:
        base = self.base_request()
        return SetAgreementRequest(
            coders=base.coders,
            set=self.code_set.currentData(),
            unit=self.unit.currentData(),
            level=self.level.currentData(),
            dyads=base.dyads,
            sessions=base.sessions,
            perspectives=base.perspectives,
            threshold=round(self.threshold.value(), 4),
        )

    def compute(self) -> Task | None:
        project = self.context.project
        if project is None or self.code_set.currentData() is None:
            return None
        if self.context.blind:
            self.show_error(
                "Blind coding is on: agreement would show the other coders' codings. Switch it off first "
                "(Edit ▸ Blind coding) when every coder has finished."
            )
            return None
        request = self.current_request()
        self.compute_button.setEnabled(False)
        self.task = run_in_background(
            self,
            "Computing set agreement",
            lambda progress, cancelled: set_agreement(project, request, progress, cancelled),
            self._computed,
            self._failed,
        )
        return self.task

    def _failed(self, error: BaseException) -> None:
        self.compute_button.setEnabled(True)
        if isinstance(error, RapportError) and not isinstance(error, OperationCancelled):
            self.show_error(str(error))
        elif not isinstance(error, RapportError):
            report_error(self, error, "Agreement")

    def _computed(self, report: SetAgreementReport) -> None:
        self.compute_button.setEnabled(True)
        self.report = report
        self.figures_model.set_report(report)
        self.values_model.set_report(report)
        self.values.resizeColumnsToContents()
        self.summary.setText(
            f"{set_agreement_report.heading(report)}. {set_agreement_report.counts_line(report)} "
            "Units with one value are not pairable. Red: under 0.6; amber: under 0.8."
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        for button in (self.export_csv_button, self.export_docx_button):
            button.setEnabled(self.report is not None)

    def _export(self, title: str, file_filter: str, write: Callable[[Path], Path]) -> Path | None:
        return None if self.report is None else export_report(self, title, file_filter, write)

    def export_csv(self) -> Path | None:
        report = self.report
        return self._export(
            "Export set agreement", "CSV (*.csv)", lambda p: set_agreement_report.export_csv(report, p)
        )

    def export_docx(self) -> Path | None:
        report = self.report
        return self._export(
            "Export set agreement report",
            "Word (*.docx)",
            lambda p: set_agreement_report.export_docx(report, p),
        )


def parents_with_values(codes: tuple[tuple[int, str], ...]) -> list[tuple[int, str]]:
    """(id, path) of the codes with two direct sub-codes or more, from (id, path) pairs in tree order."""
    children: dict[str, int] = {}
    for _code_id, path in codes:
        parent, _sep, _name = path.rpartition("/")
        if parent:
            children[parent] = children.get(parent, 0) + 1
    return [(code_id, path) for code_id, path in codes if children.get(path, 0) >= 2]
