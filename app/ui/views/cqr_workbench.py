"""The CQR workbench (Compare ▸ CQR workbench): cross-analysis with frequency labels, the core ideas of each
case and domain, and the audit with the team's answers. Every edit is a service call in an undo command; the
workbench recomputes on the project's change notifications (waiting while hidden)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.cqr import CrossAnalysis, describe_rules
from app.domain.errors import RapportError
from app.services import cqr, cqr_audit
from app.services.changes import Change
from app.services.compare import coder_names
from app.ui.context import AppContext
from app.ui.models.cqr_tables import (
    AuditCommentsModel,
    CoreIdeaGridModel,
    CrossAnalysisModel,
    ExcerptChoiceModel,
)
from app.ui.tasks import Task, run_in_background
from app.ui.views.cqr_actions import ALL_CODERS, CqrActions
from app.ui.views.deferred_changes import DeferredChanges

ALL_CASES = "All cases"


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(True)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class CqrWorkbench(CqrActions, QWidget):
    background = True  # compute the cross-analysis on a worker thread; tests may turn it off

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._cross_request = 0
        self.cross_task: Task | None = None
        self.settings = cqr.Settings()
        self.status = QLabel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._cross_page(), "Cross-analysis")
        self.tabs.addTab(self._ideas_page(), "Core ideas")
        self.tabs.addTab(self._audit_page(), "Audit")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self._deferred = DeferredChanges(self, lambda _change: self.refresh())
        context.changed.connect(self._on_change)
        context.blindChanged.connect(lambda _on: self.refresh())
        context.activeCoderChanged.connect(lambda _id: self.context.blind and self.refresh())
        context.projectChanged.connect(lambda _project: self.refresh())
        self.refresh()

    # -- pages ----------------------------------------------------------------------------------
    def _cross_page(self) -> QWidget:
        self.group_combo = QComboBox()
        self.coder_combo = QComboBox()
        self.rules_button = QPushButton("Rules…")
        self.comment_category_button = QPushButton("Comment…")
        self.export_cross_button = QPushButton("Export…")
        bar = QHBoxLayout()
        for widget in (QLabel("Group cases by"), self.group_combo, QLabel("Codings by"), self.coder_combo):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.rules_button, self.comment_category_button, self.export_cross_button):
            bar.addWidget(widget)
        self.cross_model = CrossAnalysisModel(self)
        self.cross_view = _table(self.cross_model)
        self.rules_label = QLabel()
        self.rules_label.setWordWrap(True)
        self.rules_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.rules_label.setMinimumWidth(220)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.cross_view)
        splitter.addWidget(self.rules_label)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.group_combo.currentIndexChanged.connect(lambda _i: self.refresh_cross())
        self.coder_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.rules_button.clicked.connect(self.edit_rules)
        self.comment_category_button.clicked.connect(lambda: self.add_comment(self._selected_code_target()))
        self.export_cross_button.clicked.connect(self.export_cross_analysis)
        return page

    def _ideas_page(self) -> QWidget:
        self.cases_label = QLabel()
        self.export_ideas_button = QPushButton("Export…")
        bar = QHBoxLayout()
        bar.addWidget(self.cases_label)
        bar.addStretch(1)
        bar.addWidget(self.export_ideas_button)
        self.grid_model = CoreIdeaGridModel(self)
        self.grid_view = _table(self.grid_model)
        self.grid_view.horizontalHeader().setStretchLastSection(False)
        self.grid_view.horizontalHeader().setDefaultSectionSize(190)
        self.grid_view.verticalHeader().setDefaultSectionSize(84)
        self.grid_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.cell_title = QLabel("Choose a cell: a case in a domain.")
        self.cell_title.setWordWrap(True)
        self.idea_edit = QPlainTextEdit()
        self.idea_edit.setPlaceholderText("What this case says in this domain, in a sentence or two")
        self.excerpt_model = ExcerptChoiceModel(self)
        self.excerpt_view = _table(self.excerpt_model)
        self.excerpt_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.excerpt_view.horizontalHeader().setStretchLastSection(False)
        self.excerpt_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.save_idea_button = QPushButton("Save core idea")
        self.remove_idea_button = QPushButton("Remove")
        self.comment_idea_button = QPushButton("Comment…")
        buttons = QHBoxLayout()
        for widget in (self.save_idea_button, self.remove_idea_button, self.comment_idea_button):
            buttons.addWidget(widget)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addWidget(self.cell_title)
        editor_layout.addWidget(self.idea_edit, 1)
        editor_layout.addWidget(QLabel("Excerpts it rests on (the case's codings in this domain):"))
        editor_layout.addWidget(self.excerpt_view, 2)
        editor_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.grid_view)
        splitter.addWidget(editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.grid_view.selectionModel().currentChanged.connect(lambda current, _prev: self.show_cell(current))
        self.save_idea_button.clicked.connect(self.save_idea)
        self.remove_idea_button.clicked.connect(self.remove_idea)
        self.comment_idea_button.clicked.connect(lambda: self.add_comment(self._selected_idea_target()))
        self.export_ideas_button.clicked.connect(self.export_core_ideas)
        return page

    def _audit_page(self) -> QWidget:
        self.audit_model = AuditCommentsModel(self)
        self.audit_view = _table(self.audit_model)
        self.audit_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.comment_button = QPushButton("Comment…")
        self.answer_button = QPushButton("Answer…")
        self.export_trail_button = QPushButton("Export trail…")
        bar = QHBoxLayout()
        bar.addWidget(
            QLabel("The auditor comments; the team answers each comment (Edit ▸ Undo takes it back).")
        )
        bar.addStretch(1)
        for widget in (self.comment_button, self.answer_button, self.export_trail_button):
            bar.addWidget(widget)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.audit_view, 1)
        self.comment_button.clicked.connect(lambda: self.add_comment(None))
        self.answer_button.clicked.connect(self.answer_selected)
        self.export_trail_button.clicked.connect(self.export_audit_trail)
        return page

    # -- refresh --------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._deferred.flush()

    def _on_change(self, change: Change) -> None:
        """Recompute for what the workbench shows: codings, codes, dyads, coders and CQR edits; a memo or a
        corrected transcript changes nothing here."""
        if (
            change.cqr
            or change.everything
            or change.study
            or change.codings
            or change.codebook
            or change.coders
        ):
            self._deferred.offer(change)

    def _coders(self) -> list[int] | list[str] | None:
        shown = self.context.shown_coders()
        if shown is not None:  # blind coding: only my codings count
            return shown
        name = self.coder_combo.currentText()
        return [name] if name and name != ALL_CODERS else None

    def _grouping(self) -> str | None:
        text = self.group_combo.currentText()
        return None if not text or text == ALL_CASES else text

    def _fill(self, combo: QComboBox, items: list[str]) -> None:
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(items)
        if current in items:
            combo.setCurrentText(current)
        combo.blockSignals(False)

    def refresh(self) -> None:
        project = self.context.project
        if project is None:
            self.cross_model.set_result(None)
            self.grid_model.set_grid(None)
            self.audit_model.set_comments([])
            return
        self._fill(self.group_combo, [ALL_CASES, *cqr.groupings(project)])
        self._fill(self.coder_combo, [ALL_CODERS, *coder_names(project)])
        self.settings = cqr.get_settings(project)
        self.rules_label.setText("<b>Rules</b><br>" + "<br>".join(describe_rules(self.settings.rules)))
        self.refresh_cross()
        self.refresh_ideas()
        self.audit_model.set_comments(cqr_audit.list_comments(project))
        self.audit_view.resizeColumnsToContents()
        for column in (1, 3):
            self.audit_view.setColumnWidth(column, min(self.audit_view.columnWidth(column), 380))
        self.audit_view.resizeRowsToContents()

    def refresh_cross(self) -> None:
        """Recompute the cross-analysis: on a worker thread (a large study takes a few hundred ms), unless
        `background` is off (tests); a result that a newer request has overtaken is dropped."""
        project = self.context.project
        if project is None:
            return
        grouping, coders, rules = self._grouping(), self._coders(), self.settings.rules
        self._cross_request += 1
        request = self._cross_request

        def work(_progress=None, _cancelled=None):
            return cqr.cross_analysis(project, grouping, coders, rules)

        def shown(result: CrossAnalysis | None) -> None:
            if request == self._cross_request and project is self.context.project:
                self._show_cross(result)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, RapportError):
                raise exc
            shown(None)
            self.status.setText(str(exc))

        if not self.background:
            try:
                shown(work())
            except RapportError as exc:
                failed(exc)
            return
        self.cross_task = run_in_background(self, "Cross-analysis", work, shown, failed)

    def _show_cross(self, result: CrossAnalysis | None) -> None:
        self.cross_model.set_result(result)
        self.cross_view.resizeColumnsToContents()
        if result is not None:
            marked = sum(1 for c in result.categories if result.marked(c.id))
            cases = ", ".join(f"{g.name} {len(g.cases)}" for g in result.groups)
            self.status.setText(f"Cases: {cases}. Categories marked as differing between groups: {marked}.")

    def refresh_ideas(self) -> None:
        project = self.context.project
        current = self.grid_model.cell_at(self.grid_view.currentIndex())
        grid = cqr.core_idea_grid(project, self.settings.case_unit)
        self.grid_model.set_grid(grid)
        unit = "a dyad" if grid.case_unit == "dyad" else "one perspective of a dyad"
        filled = len(grid.ideas)
        self.cases_label.setText(
            f"A case is {unit} (Rules… changes it). {filled} of {len(grid.cases) * len(grid.domains)} cells written."
        )
        index = self.grid_model.index_of(current[0], current[1].id) if current else QModelIndex()
        if index.isValid():
            self.grid_view.setCurrentIndex(index)
        self.show_cell(self.grid_view.currentIndex())

    def show_cell(self, index: QModelIndex) -> None:
        found = self.grid_model.cell_at(index)
        enabled = found is not None
        for widget in (
            self.idea_edit,
            self.save_idea_button,
            self.remove_idea_button,
            self.comment_idea_button,
        ):
            widget.setEnabled(enabled)
        if found is None:
            self.cell_title.setText("Choose a cell: a case in a domain.")
            self.idea_edit.setPlainText("")
            self.excerpt_model.set_excerpts([], set())
            return
        case, domain, idea = found
        self.cell_title.setText(f"<b>{case.label}</b> in <b>{domain.name}</b>")
        self.idea_edit.setPlainText(idea.text if idea else "")
        self.remove_idea_button.setEnabled(idea is not None)
        excerpts = cqr.case_excerpts(self.context.project, case, domain.id, self._coders())
        self.comment_idea_button.setEnabled(idea is not None or bool(excerpts))
        self.excerpt_model.set_excerpts(excerpts, set(idea.excerpts) if idea else set())
        for column in range(1, self.excerpt_model.columnCount()):
            self.excerpt_view.resizeColumnToContents(column)
        self.excerpt_view.resizeRowsToContents()
