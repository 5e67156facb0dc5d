"""The CQR workbench (Compare ▸ CQR workbench): cross-analysis with frequency labels, the core ideas of each
case and domain, and the audit with the team's answers. Every edit is a service call in an undo command; the
workbench recomputes on the project's change notifications (waiting while hidden)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
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
from app.services import cqr, cqr_audit, cqr_report
from app.services.changes import Change
from app.services.compare import coder_names
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext
from app.ui.dialogs.cqr_dialogs import AnswerDialog, CommentDialog, RulesDialog
from app.ui.models.cqr_tables import (
    AuditCommentsModel,
    CoreIdeaGridModel,
    CrossAnalysisModel,
    ExcerptChoiceModel,
)
from app.ui.tasks import Task, run_in_background
from app.ui.views.deferred_changes import DeferredChanges

ALL_CASES = "All cases"
ALL_CODERS = "All coders"


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(True)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class CqrWorkbench(QWidget):
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
        """Recompute for what the workbench shows: codings, codes, dyads, coders, and CQR edits (which
        notify an empty change); a memo or a corrected transcript changes nothing here."""
        if (
            change == Change()
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

    # -- edits ----------------------------------------------------------------------------------
    def _push(self, text: str, do: Callable[[], Any], undo: Callable[[Any], None]) -> bool:
        try:
            self.context.push(ServiceCommand(text, do, undo))
        except RapportError as exc:
            QMessageBox.warning(self, "CQR workbench", str(exc))
            return False
        return True

    def ask_rules(self, settings: cqr.Settings) -> cqr.Settings | None:
        """The new rules; tests replace this so no dialog blocks."""
        dialog = RulesDialog(settings, self)
        return dialog.settings() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def edit_rules(self) -> None:
        project = self.context.project
        chosen = self.ask_rules(cqr.get_settings(project)) if project else None
        if chosen is None:
            return
        self._push(
            "Change the CQR rules",
            lambda: cqr.set_settings(project, chosen),
            lambda previous: cqr.set_settings(project, previous),
        )

    def _save(self, text: str | None, label: str) -> None:
        found = self.grid_model.cell_at(self.grid_view.currentIndex())
        project = self.context.project
        if found is None or project is None:
            return
        case, domain, _idea = found
        if text is not None and not text.strip():
            QMessageBox.information(self, "CQR workbench", "Write the core idea first (or remove it).")
            return
        chosen = self.excerpt_model.chosen()
        author = self.context.active_coder_id
        self._push(
            f"{label} for {case.label} in {domain.name}",
            lambda: cqr.save_core_idea(
                project, case.dyad_id, case.perspective, domain.id, text, chosen, author
            ),
            lambda previous: cqr.restore_core_idea(project, previous),
        )

    def save_idea(self) -> None:
        self._save(self.idea_edit.toPlainText(), "Core idea")

    def remove_idea(self) -> None:
        self._save(None, "Remove core idea")

    def comment_targets(self) -> list[tuple[str, str, int]]:
        """Everything an auditor can comment on here: domains, categories and written core ideas."""
        result = self.cross_model.result
        targets = [
            (f"Domain {c.path}", "domain", c.id) if c.depth == 0 else (f"Category {c.path}", "category", c.id)
            for c in (result.categories if result else [])
        ]
        for excerpt in self.excerpt_model.excerpts:  # the codings of the core-ideas cell shown
            targets.append(
                (
                    f"Coding {excerpt.coding_id} ({excerpt.code}): “{excerpt.text}”",
                    "coding",
                    excerpt.coding_id,
                )
            )
        grid = self.grid_model.grid
        if grid is not None:
            names = {d.id: d.name for d in grid.domains}
            for idea in grid.ideas.values():
                targets.append(
                    (
                        f"Core idea: {idea.case.label} in {names.get(idea.domain_id, '?')}",
                        "core_idea",
                        idea.id,
                    )
                )
        return targets

    def _selected_code_target(self) -> tuple[str, int] | None:
        category = self.cross_model.category_at(self.cross_view.currentIndex())
        return ("domain" if category.depth == 0 else "category", category.id) if category else None

    def _selected_idea_target(self) -> tuple[str, int] | None:
        """The excerpt selected under the core idea, else the core idea itself."""
        selected = self.excerpt_view.selectionModel().selectedIndexes()
        if selected:
            return "coding", self.excerpt_model.excerpts[selected[0].row()].coding_id
        found = self.grid_model.cell_at(self.grid_view.currentIndex())
        return ("core_idea", found[2].id) if found and found[2] else None

    def ask_comment(
        self, targets: list[tuple[str, str, int]], current: int
    ) -> tuple[str, int, str, str] | None:
        """(target kind, id, text, auditor); tests replace this so no dialog blocks."""
        dialog = CommentDialog(targets, current, parent=self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def add_comment(self, target: tuple[str, int] | None) -> None:
        project = self.context.project
        targets = self.comment_targets()
        if project is None or not targets:
            return
        keys = [(kind, ident) for _label, kind, ident in targets]
        chosen = self.ask_comment(targets, keys.index(target) if target in keys else 0)
        if chosen is None:
            return
        kind, ident, text, auditor = chosen
        self._push(
            "Audit comment",
            lambda: cqr_audit.add_comment(project, kind, ident, text, auditor),
            lambda comment_id: cqr_audit.delete_comment(project, comment_id),
        )

    def ask_answer(self, about: str) -> tuple[str, str, str] | None:
        """(decision, reason, author); tests replace this so no dialog blocks."""
        dialog = AnswerDialog(about, parent=self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def answer_selected(self) -> None:
        project = self.context.project
        comment = self.audit_model.comment_at(self.audit_view.currentIndex())
        if project is None or comment is None:
            QMessageBox.information(self, "CQR workbench", "Choose the comment to answer.")
            return
        chosen = self.ask_answer(comment.about)
        if chosen is None:
            return
        decision, reason, author = chosen
        self._push(
            f"Answer audit comment {comment.id}",
            lambda: cqr_audit.answer_comment(project, comment.id, decision, reason, author),
            lambda answer_id: cqr_audit.delete_answer(project, answer_id),
        )

    # -- exports --------------------------------------------------------------------------------
    def ask_path(self, title: str, name: str, filters: str) -> str:
        """The file to write; tests replace this so no dialog blocks."""
        path, _ = QFileDialog.getSaveFileName(self, title, name, filters)
        return path

    def _export(self, title: str, name: str, filters: str, write: Callable[[str], object]) -> str | None:
        path = self.ask_path(title, name, filters)
        if not path:
            return None
        try:
            written = write(path)
        except RapportError as exc:
            QMessageBox.warning(self, title, str(exc))
            return None
        self.status.setText(f"Wrote {written}.")
        return str(written)

    def export_cross_analysis(self) -> str | None:
        result = self.cross_model.result
        if result is None:
            return None
        coders = self.coder_combo.currentText() or ALL_CODERS
        return self._export(
            "Export the cross-analysis", "cross-analysis.docx", "Word table (*.docx);;CSV table (*.csv)",
            lambda path: cqr_report.write_cross_analysis(result, path, coders.lower() if coders == ALL_CODERS else coders),
        )  # fmt: skip

    def export_core_ideas(self) -> str | None:
        grid, project = self.grid_model.grid, self.context.project
        if grid is None or project is None:
            return None
        linked = sorted({c for idea in grid.ideas.values() for c in idea.excerpts})
        quotes = {e.coding_id: e for e in cqr.excerpts(project, linked)}
        return self._export(
            "Export the core ideas", "core-ideas.docx", "Word tables (*.docx);;CSV table (*.csv)",
            lambda path: cqr_report.write_core_ideas(grid, path, quotes),
        )  # fmt: skip

    def export_audit_trail(self) -> str | None:
        comments = self.audit_model.comments
        return self._export(
            "Export the audit trail", "audit-trail.docx", "Word document (*.docx)",
            lambda path: cqr_report.write_audit_trail(comments, path),
        )  # fmt: skip
