"""The agreement window: choose two coders, documents, codes and unit; read the table; resolve disagreements.

The statistics come from `app.services.agreement`, computed on a worker thread (`app.ui.tasks`) with a
Cancel button: the 200-document benchmark takes under 2 s, but the window never freezes. Resolving a disagreement is an undoable command on the application's undo stack:
it codes the stretch for the consensus coder, and undo deletes exactly those codings (redo restores them with
their original ids).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.agreement import UNITS
from app.domain.errors import OperationCancelled, RapportError
from app.services import agreement as service
from app.services import agreement_report
from app.services.changes import Change
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext
from app.ui.dialogs.agreement_controls import threshold_box
from app.ui.dialogs.crash_dialog import report_error
from app.ui.dialogs.set_agreement_panel import SetAgreementPanel, parents_with_values
from app.ui.models.agreement_table import AgreementTableModel, DisagreementsModel
from app.ui.report_export import ask_save_path, export_report
from app.ui.tasks import Task, run_in_background
from app.ui.views.deferred_changes import DeferredChanges

ALL = "All"
UNIT_LABELS = {
    "character": "Character (NVivo)",
    "segment": "Segment (MAXQDA)",
    "presence": "Code presence per document",
}
SaveChooser = Callable[[str, str], str]  # (title, file filter) -> path or "" when cancelled


class AgreementWindow(QWidget):
    """Inter-coder agreement of two coders, with the disagreements to resolve into a consensus coder."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: service.AgreementReport | None = None
        self.request: service.AgreementRequest | None = None
        self.task: Task | None = None
        self.choose_save_path: SaveChooser = lambda title, file_filter: ask_save_path(
            self, title, file_filter
        )  # tests replace it: no blocking dialog
        self.show_error: Callable[[str], None] = lambda text: QMessageBox.warning(self, "Agreement", text)
        self.setWindowTitle("Inter-coder agreement")

        self.coder_a, self.coder_b = QComboBox(), QComboBox()
        self.more_coders = QToolButton()
        self.more_coders.setText("More coders")
        self.more_coders.setToolTip(
            "Add further coders: Fleiss' kappa and Krippendorff's alpha for all of them (character or presence "
            "unit). Disagreements are listed between two coders only."
        )
        self.more_coders.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_coders.setMenu(QMenu(self.more_coders))
        self.unit = QComboBox()
        for unit in UNITS:
            self.unit.addItem(UNIT_LABELS[unit], unit)
        self.threshold = threshold_box(
            "Segment unit: two codings agree when their overlap / their union reaches this."
        )
        self.dyad, self.session, self.perspective = QComboBox(), QComboBox(), QComboBox()
        self.codes = QListWidget()
        self.codes.setToolTip(
            "Check the codes to compare; none checked compares every code either coder used."
        )
        self.codes.setMaximumHeight(120)
        self.consensus = QLineEdit("Consensus")
        self.consensus.editingFinished.connect(self._refresh_disagreements)
        self.compute_button = QPushButton("Compute")
        self.compute_button.clicked.connect(self.compute)
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self._unit_changed()

        form = QFormLayout()
        coders = QHBoxLayout()
        # Choices as wide as their words, grouped on the left (stretched across 1280 px, "Ana" sat in a
        # 520 px box far from "and").
        for combo in (self.coder_a, self.coder_b, self.dyad, self.session, self.perspective, self.unit):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(8)
        coders.addWidget(self.coder_a)
        coders.addWidget(QLabel("and"))
        coders.addWidget(self.coder_b)
        coders.addWidget(self.more_coders)
        coders.addStretch(1)
        form.addRow("Coders:", coders)
        documents = QHBoxLayout()
        for label, combo in (
            ("Dyad", self.dyad),
            ("Session", self.session),
            ("Perspective", self.perspective),
        ):
            documents.addWidget(QLabel(label))
            documents.addWidget(combo)
        documents.addStretch(1)
        form.addRow("Documents:", documents)
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.unit)
        unit_row.addWidget(QLabel("Overlap threshold"))
        unit_row.addWidget(self.threshold)
        unit_row.addStretch(1)
        form.addRow("Unit:", unit_row)
        form.addRow("Codes:", self.codes)

        self.table_model = AgreementTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().selectionChanged.connect(self._code_row_selected)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.disagreements_model = DisagreementsModel(self)
        self.disagreements = QTableView()
        self.disagreements.setModel(self.disagreements_model)
        self.disagreements.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.disagreements.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.disagreements.horizontalHeader().setStretchLastSection(True)
        self.disagreements.doubleClicked.connect(self._open_disagreement)
        self.accept_a = QPushButton("Accept A")
        self.accept_b = QPushButton("Accept B")
        self.keep_both = QPushButton("Keep both")
        self.accept_a.clicked.connect(lambda: self.resolve("a"))
        self.accept_b.clicked.connect(lambda: self.resolve("b"))
        self.keep_both.clicked.connect(lambda: self.resolve("both"))
        resolve_row = QHBoxLayout()
        resolve_row.addWidget(QLabel("Resolve into coder:"))
        resolve_row.addWidget(self.consensus)
        for button in (self.accept_a, self.accept_b, self.keep_both):
            resolve_row.addWidget(button)

        self.export_table_button = QPushButton("Export table (CSV)…")
        self.export_docx_button = QPushButton("Export report (DOCX)…")
        self.export_disagreements_button = QPushButton("Export disagreements (CSV)…")
        self.export_per_document_button = QPushButton("Per document (CSV)…")
        self.export_per_document_button.clicked.connect(self.export_per_document_csv)
        self.export_table_button.clicked.connect(self.export_table_csv)
        self.export_docx_button.clicked.connect(self.export_docx)
        self.export_disagreements_button.clicked.connect(self.export_disagreements_csv)
        actions = QHBoxLayout()
        actions.addWidget(self.compute_button)
        actions.addStretch(1)
        for button in self._export_buttons():
            actions.addWidget(button)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(
            QLabel(
                "Disagreements (select a code above to see only its own; double-click to open the document):"
            )
        )
        lower_layout.addWidget(self.disagreements, 1)
        lower_layout.addLayout(resolve_row)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table, 1)
        upper_layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)

        per_code = QWidget()
        per_code_layout = QVBoxLayout(per_code)
        per_code_layout.addLayout(actions)
        per_code_layout.addWidget(splitter, 1)
        self.set_panel = SetAgreementPanel(context, self.current_request)
        self.set_panel.show_error = lambda text: self.show_error(text)
        self.tabs = QTabWidget()
        self.tabs.addTab(per_code, "Per code (yes/no)")
        self.tabs.addTab(self.set_panel, "Code set (values)")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)

        context.projectChanged.connect(lambda _project: self.reload_choices())
        self._deferred = DeferredChanges(self, self._on_change)  # a closed window catches up when shown
        context.changed.connect(self._deferred.offer)
        self.reload_choices()
        self._update_buttons()

    # -- choices ----------------------------------------------------------------------------------------
    def reload_choices(self) -> None:
        """Fill the coder, document and code choices from the open project (keeping the current picks)."""
        project = self.context.project
        choices = service.agreement_choices(project) if project is not None else None
        keep_a, keep_b = self.coder_a.currentData(), self.coder_b.currentData()
        for combo, keep, fallback in ((self.coder_a, keep_a, 0), (self.coder_b, keep_b, 1)):
            combo.clear()
            for coder in choices.coders if choices else ():
                combo.addItem(coder.name, coder.id)
            index = combo.findData(keep) if keep is not None else -1
            combo.setCurrentIndex(index if index >= 0 else min(fallback, combo.count() - 1))
        extra = set(self.extra_coders())
        menu = self.more_coders.menu()
        menu.clear()
        for coder in choices.coders if choices else ():
            action = menu.addAction(coder.name)
            action.setCheckable(True)
            action.setData(coder.id)
            action.setChecked(coder.id in extra)
            action.toggled.connect(self._update_more_coders_text)
        self._update_more_coders_text()
        self._fill(self.dyad, choices.dyads if choices else ())
        self._fill(self.session, choices.sessions if choices else ())
        self._fill(self.perspective, choices.perspectives if choices else ())
        checked = self.checked_codes()
        self.codes.clear()
        for code_id, path in choices.codes if choices else ():
            item = QListWidgetItem(path)
            item.setData(Qt.ItemDataRole.UserRole, code_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code_id in checked else Qt.CheckState.Unchecked)
            self.codes.addItem(item)
        self.compute_button.setEnabled(bool(choices and len(choices.coders) >= 2))
        self.set_panel.reload_sets(parents_with_values(choices.codes) if choices else [])
        self.set_panel.compute_button.setEnabled(self.compute_button.isEnabled())

    def set_coders(self, a: int, b: int, *extra: int) -> None:
        """Preset the coders to compare (e.g. the coders a merge of copies just brought together)."""
        self.reload_choices()
        self.coder_a.setCurrentIndex(max(self.coder_a.findData(a), 0))
        self.coder_b.setCurrentIndex(max(self.coder_b.findData(b), 0))
        for action in self.more_coders.menu().actions():
            action.setChecked(action.data() in extra)

    def extra_coders(self) -> list[int]:
        """Coders checked under "More coders", besides the two chosen above."""
        chosen = {self.coder_a.currentData(), self.coder_b.currentData()}
        return [
            action.data()
            for action in self.more_coders.menu().actions()
            if action.isChecked() and action.data() not in chosen
        ]

    def _update_more_coders_text(self) -> None:
        count = sum(1 for action in self.more_coders.menu().actions() if action.isChecked())
        self.more_coders.setText(f"More coders ({count})" if count else "More coders")

    @staticmethod
    def _fill(combo: QComboBox, values) -> None:
        keep = combo.currentData()
        combo.clear()
        combo.addItem(ALL, None)
        for value in values:
            combo.addItem(str(value), value)
        index = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(index, 0))

    def checked_codes(self) -> list[int]:
        return [
            self.codes.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.codes.count())
            if self.codes.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _tab_changed(self) -> None:
        """The unit and codes above are the per-code table's; the code-set tab has its own set and unit."""
        per_code = self.tabs.currentWidget() is not self.set_panel
        self.unit.setEnabled(per_code)
        self.codes.setEnabled(per_code)
        self.threshold.setEnabled(per_code and self.unit.currentData() == "segment")

    def _unit_changed(self) -> None:
        self.threshold.setEnabled(self.unit.currentData() == "segment")

    def current_request(self) -> service.AgreementRequest:
        dyad, session, perspective = (
            self.dyad.currentData(),
            self.session.currentData(),
            self.perspective.currentData(),
        )
        codes = self.checked_codes()
        return service.AgreementRequest(
            coders=(self.coder_a.currentData(), self.coder_b.currentData(), *self.extra_coders()),
            dyads=None if dyad is None else [dyad],
            sessions=None if session is None else [session],
            perspectives=None if perspective is None else [perspective],
            codes=codes or None,
            unit=self.unit.currentData(),
            threshold=round(self.threshold.value(), 4),
        )

    # -- computing --------------------------------------------------------------------------------------
    def compute(self) -> Task | None:
        """Compute the table and the disagreements on a worker thread (a large study takes a second or two)."""
        project = self.context.project
        if project is None:
            return None
        if self.context.blind:
            self.show_error(
                "Blind coding is on: agreement would show the other coders' codings. Switch it off first "
                "(Edit ▸ Blind coding) when every coder has finished."
            )
            return None
        request = self.current_request()
        consensus = self.consensus_name()

        def work(progress, cancelled):
            report = service.agreement_table(project, request, progress, cancelled)
            disagreements = (
                service.list_disagreements(project, request, consensus) if len(report.coders) == 2 else []
            )
            return request, report, disagreements

        self.compute_button.setEnabled(False)
        self.task = run_in_background(self, "Computing agreement", work, self._computed, self._failed)
        return self.task

    def _failed(self, error: BaseException) -> None:
        self.compute_button.setEnabled(True)
        if isinstance(error, RapportError) and not isinstance(error, OperationCancelled):
            self.show_error(str(error))
        elif not isinstance(error, RapportError):
            report_error(self, error, "Agreement")

    def _computed(self, outcome) -> None:
        request, report, disagreements = outcome
        self.compute_button.setEnabled(True)
        self.request, self.report = request, report
        self.table_model.set_report(report)
        names = (report.coders[0].name, report.coders[1].name)
        self.disagreements_model.set_items(disagreements, names)
        self.disagreements.resizeColumnsToContents()
        self.summary.setText(self._summary_text(report, len(disagreements)))
        self._update_buttons()

    @staticmethod
    def _summary_text(report: service.AgreementReport, disagreements: int) -> str:
        text = {
            "character": "Unit: the character; per code the documents' 2x2 tables are summed.",
            "segment": f"Unit: the coded segment; agreement at {report.threshold:.0%} overlap (intersection over "
            f"union); kappa is Brennan & Prediger's with k = {report.categories}.",
            "presence": "Unit: the document (was the code used at all).",
        }[report.unit]
        if len(report.coders) > 2:
            text += (
                f" {len(report.coders)} coders: kappa is Fleiss' kappa, agreement the mean pairwise agreement; "
                "disagreements are listed between two coders only."
            )
        if report.replicates:
            text += f" 95% CI: bootstrap over documents ({report.replicates} resamples)."
        return f"{text} {len(report.documents)} documents, {disagreements} disagreements. Red: under 0.6; amber: under 0.8."

    def _code_row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        code_id = self.table_model.row_data(rows[0].row()).code_id if rows else None
        self.disagreements_model.set_code_filter(code_id)
        self._update_buttons()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._deferred.flush()

    def _on_change(self, change: Change) -> None:
        if change.everything or change.coders or change.codebook or change.study:
            self.reload_choices()
        if self.request is not None and (change.everything or change.codings):
            self._refresh_disagreements()

    def _refresh_disagreements(self) -> None:
        if self.context.project is None or self.request is None or self.report is None:
            return
        try:
            items = service.list_disagreements(self.context.project, self.request, self.consensus_name())
        except RapportError:
            return
        self.disagreements_model.set_items(items, self.disagreements_model.coder_names)

    def _update_buttons(self) -> None:
        has_report = self.report is not None
        for button in self._export_buttons():
            button.setEnabled(has_report)
        self.export_per_document_button.setEnabled(
            has_report and bool(self.report and self.report.has_document_rows)
        )
        for button in (self.accept_a, self.accept_b, self.keep_both):
            button.setEnabled(has_report and self.disagreements_model.rowCount() > 0)

    # -- disagreements ----------------------------------------------------------------------------------
    def selected_disagreement(self) -> service.Disagreement | None:
        rows = self.disagreements.selectionModel().selectedRows()
        if not rows:
            return None
        return self.disagreements_model.item(rows[0].row())

    def _open_disagreement(self, index) -> None:
        """Open the document at the stretch, showing both coders' codings there (stripes side by side)."""
        item = self.disagreements_model.item(index.row())
        self.context.documentRequested.emit(item.document_id, item.start, item.end)
        if self.report is not None:
            self.context.codersShownRequested.emit({coder.id for coder in self.report.coders})

    def resolve(self, choice: str) -> None:
        """Resolve the selected disagreement into the consensus coder as one undoable command."""
        item = self.selected_disagreement()
        project = self.context.project
        if item is None or project is None:
            return
        consensus = self.consensus_name()
        label = {"a": "Accept A", "b": "Accept B", "both": "Keep both"}[choice]
        done: list[service.Resolution] = []

        def do() -> service.Resolution:
            if not done:  # the first time: resolve; a redo after undo restores the same codings, same ids
                done.append(service.resolve_disagreement(project, item, choice, consensus))
            else:
                service.redo_resolution(project, done[0])
            return done[0]

        command = ServiceCommand(
            f"{label}: {item.document} {item.start}–{item.end}",
            do,
            lambda r: service.undo_resolution(project, r),
        )
        try:
            self.context.push(command)
        except RapportError as error:
            self.show_error(str(error))

    # -- exports ----------------------------------------------------------------------------------------
    def consensus_name(self) -> str:
        return " ".join(self.consensus.text().split()) or "Consensus"

    def _export(self, title: str, file_filter: str, write: Callable[[Path], Path]) -> Path | None:
        return None if self.report is None else export_report(self, title, file_filter, write)

    def _export_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.export_table_button,
            self.export_per_document_button,
            self.export_docx_button,
            self.export_disagreements_button,
        )

    def export_per_document_csv(self) -> Path | None:
        return self._export(
            "Export agreement per document",
            "CSV (*.csv)",
            lambda p: agreement_report.export_per_document_csv(self.report, p),
        )

    def export_table_csv(self) -> Path | None:
        return self._export(
            "Export agreement table",
            "CSV (*.csv)",
            lambda p: agreement_report.export_table_csv(self.report, p),
        )

    def export_docx(self) -> Path | None:
        items = self.disagreements_model.all_items()
        return self._export(
            "Export agreement report",
            "Word (*.docx)",
            lambda p: agreement_report.export_docx(self.report, p, items),
        )

    def export_disagreements_csv(self) -> Path | None:
        items = self.disagreements_model.all_items()
        names = self.disagreements_model.coder_names
        return self._export(
            "Export disagreements",
            "CSV (*.csv)",
            lambda p: agreement_report.export_disagreements_csv(items, p, names),
        )
