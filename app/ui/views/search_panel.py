"""The search panel: a query box, study filters, the hits with highlighted snippets, and "Code all hits".

Searching calls `app.services.search.search`, which brings the index up to date itself, so the panel never has
to tell the index about imports or edits. A malformed query shows its one-line message under the box. Double
clicking a hit asks the main window to show the document at the first match (`documentRequested`). "Code all
hits" applies a code to every hit (not only those shown) as one undoable command for the active coder,
skipping what that coder already coded with the code (app/services/search_coding.py).
"Rebuild index" throws the index away and builds it again in the background, with progress and Cancel.
After an edit the hits shown are never searched again on the GUI thread: they are marked out of date with a
Refresh link; a hidden panel searches again in the background when it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import OperationCancelled, RapportError
from app.domain.plural import count
from app.domain.vocabulary import DOCUMENT_KINDS, PERSPECTIVES
from app.services import codebook, search, search_coding, study
from app.services.changes import Change
from app.ui.commands import ServiceCommand
from app.ui.compact import shrinkable
from app.ui.context import AppContext
from app.ui.dialogs.crash_dialog import report_error
from app.ui.models.search_hits import SNIPPET_COLUMN, SearchHitsModel, SnippetDelegate
from app.ui.tasks import run_in_background
from app.ui.views.background_refresh import BackgroundRefresh

SCOPE_LABELS = {"turn": "The whole turn", "sentence": "The sentence", "match": "Only the matched words"}
CODED_ANY, CODED_WITH, NOT_CODED_WITH = "any", "with", "without"
HIT_LIMIT = 500  # hits listed; "Code all hits" still codes every hit


class CodeAllHitsDialog(QDialog):
    """Choose the code and how much of each hit to code."""

    def __init__(self, codes: list[codebook.CodeData], hits: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Code all hits")
        layout = QFormLayout(self)
        layout.addRow(QLabel(f"Apply a code to all {hits} hit{'s' if hits != 1 else ''} of this search."))
        self.code_box = QComboBox()
        for code in codes:
            if code.codable:
                self.code_box.addItem(code.path or code.name, code.id)
        layout.addRow("Code:", self.code_box)
        self.scope_group = QButtonGroup(self)
        scopes = QVBoxLayout()
        for index, (scope, label) in enumerate(SCOPE_LABELS.items()):
            button = QRadioButton(label)
            button.setProperty("scope", scope)
            button.setChecked(index == 0)
            self.scope_group.addButton(button)
            scopes.addWidget(button)
        layout.addRow("How much:", scopes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.code_box.count() > 0)
        layout.addRow(buttons)

    def choice(self) -> tuple[int, str] | None:
        if self.code_box.currentIndex() < 0:
            return None
        checked = self.scope_group.checkedButton()
        return int(self.code_box.currentData()), str(checked.property("scope") if checked else "turn")

    def set_choice(self, code_id: int, scope: str) -> None:
        self.code_box.setCurrentIndex(self.code_box.findData(code_id))
        for button in self.scope_group.buttons():
            button.setChecked(button.property("scope") == scope)


class SearchPanel(QWidget):
    searched = Signal(object)  # the SearchResult shown

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result: search.SearchResult | None = None
        self.busy = False  # the index is being rebuilt or brought up to date in the background
        self.search_task = None
        self.rebuild_task = None
        self.out_of_date = False  # codings or memos changed since the results shown were found
        self._stale = False  # the project changed while the panel was hidden: search again when shown
        self._code_choices_stale = False  # the codebook changed while the code filter was unused
        self._refresher = BackgroundRefresh(self)
        # Tests replace this to answer the dialog without showing it modally.
        self.exec_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()
        self._build()
        context.projectChanged.connect(self._on_project)
        context.changed.connect(self._on_change)
        self._on_project(context.project)

    # -- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText('Search: trust, "felt judged", trust* AND speaker:client')
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.returnPressed.connect(self.run_search)
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self.run_search)
        row.addWidget(self.query_edit, 1)
        row.addWidget(self.search_button)
        layout.addLayout(row)

        filters = QGridLayout()
        self.dyad_box = QComboBox()
        self.session_box = QSpinBox()
        self.session_box.setRange(0, 999)
        self.session_box.setSpecialValueText("any session")
        self.perspective_box = QComboBox()
        self.perspective_box.addItem("any perspective", None)
        for perspective in PERSPECTIVES:
            self.perspective_box.addItem(perspective, perspective)
        self.kind_box = QComboBox()
        self.kind_box.addItem("documents and memos", None)
        for kind in DOCUMENT_KINDS:
            self.kind_box.addItem(kind, kind)
        self.kind_box.addItem("memos", "memo")
        self.coded_mode_box = QComboBox()
        self.coded_mode_box.addItem("coded or not", CODED_ANY)
        self.coded_mode_box.addItem("coded with", CODED_WITH)
        self.coded_mode_box.addItem("not coded with", NOT_CODED_WITH)
        self.coded_code_box = QComboBox()
        # Two rows of three (where to look; what to keep), so that each filter shows its whole choice in a
        # panel half the width of a 1280-pixel screen.
        for column, widget in enumerate((self.dyad_box, self.session_box, self.perspective_box)):
            filters.addWidget(widget, 0, column)
        for column, widget in enumerate((self.kind_box, self.coded_mode_box, self.coded_code_box)):
            filters.addWidget(widget, 1, column)
        for column in range(3):
            filters.setColumnStretch(column, 1)
        shrinkable((self.dyad_box, self.session_box, self.perspective_box, self.kind_box, self.coded_mode_box,
                    self.coded_code_box, self.search_button))  # fmt: skip
        layout.addLayout(filters)
        self.coded_mode_box.currentIndexChanged.connect(self._update_enabled)

        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.linkActivated.connect(lambda _link: self.run_search())
        layout.addWidget(self.status)

        self.model = SearchHitsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(SNIPPET_COLUMN, SnippetDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(SNIPPET_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setResizeContentsPrecision(60)  # size columns on the first hits only
        self.table.doubleClicked.connect(self.open_hit)
        layout.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.code_all_button = QPushButton("Code all hits…")
        self.code_all_button.clicked.connect(self.code_all_hits)
        self.rebuild_button = QPushButton("Rebuild index")
        self.rebuild_button.setToolTip("Throw the search index away and build it again from the project")
        self.rebuild_button.clicked.connect(self.rebuild_index)
        actions.addWidget(self.code_all_button)
        actions.addStretch(1)
        actions.addWidget(self.rebuild_button)
        layout.addLayout(actions)
        self._update_enabled()

    def _update_enabled(self) -> None:
        has_project = self.context.project is not None
        for widget in (self.query_edit, self.search_button, self.rebuild_button):
            widget.setEnabled(has_project)
        self.coded_code_box.setEnabled(self.coded_mode_box.currentData() != CODED_ANY)
        if self.coded_code_box.isEnabled() and self._code_choices_stale:
            self._reload_code_choices()  # the codebook changed while the code filter was not in use
        hits = self.result.total if self.result is not None else 0
        self.code_all_button.setEnabled(has_project and hits > 0 and not self.context.project.read_only)

    # -- project and changes ------------------------------------------------------------------------
    def _on_project(self, project) -> None:
        self.result = None
        self.model.set_hits([])
        self.status.setText("")
        self._reload_choices()
        self._update_enabled()

    def _reload_choices(self) -> None:
        project = self.context.project
        current_dyad = self.dyad_box.currentData()
        self.dyad_box.clear()
        self.dyad_box.addItem("any dyad", None)
        if project is not None:
            for dyad in study.list_dyads(project):
                self.dyad_box.addItem(dyad.name, dyad.id)
            self.dyad_box.setCurrentIndex(max(0, self.dyad_box.findData(current_dyad)))
        self._reload_code_choices()

    def _reload_code_choices(self) -> None:
        """The code filter's list: every code by its path (a thousand on a large study, tens of ms to fill)."""
        self._code_choices_stale = False
        project = self.context.project
        current_code = self.coded_code_box.currentData()
        self.coded_code_box.clear()
        if project is None:
            return
        for code in codebook.list_codes(project, with_usage=False):
            self.coded_code_box.addItem(code.path or code.name, code.id)
        self.coded_code_box.setCurrentIndex(max(0, self.coded_code_box.findData(current_code)))

    def _on_change(self, change: Change) -> None:
        if self.context.project is None:
            return
        if change.everything or change.study:
            self._reload_choices()
        elif change.codebook:
            if self.coded_code_box.isEnabled():
                self._reload_code_choices()
            else:  # a code renamed or added: the unused code filter is refilled when it is next chosen
                self._code_choices_stale = True
        if self.result is None:
            return
        text_changed = change.everything or change.documents or change.study or change.memos
        if text_changed or (change.codings and self._filters_on_codings()):
            # Never re-run a query on the GUI thread after an edit: say the hits are out of date (Refresh);
            # hidden, search again in the background when shown.
            self._mark_out_of_date()
            if not self.isVisible():
                self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh_in_background()

    def refresh_in_background(self) -> None:
        """Run the query of the results shown again, off the GUI thread; they stay until the new ones come."""
        project, text = self.context.project, self.query_edit.text()
        if project is None or self.busy or not text.strip():
            return
        options = self._request_options()
        self._refresher.request(
            lambda: search.search(project, text, limit=HIT_LIMIT, **options),
            self._show_result,
            self._show_error,
        )

    def _filters_on_codings(self) -> bool:
        return self.coded_mode_box.currentData() != CODED_ANY

    def _mark_out_of_date(self) -> None:
        """Codings or memos changed since this search: say so, with a link to search again."""
        if self.out_of_date:
            return
        self.out_of_date = True
        self.status.setText(
            f"{self.status.text()} — the project changed since this search: <a href='refresh'>Refresh</a>"
        )

    # -- searching ----------------------------------------------------------------------------------
    def set_filters(
        self,
        *,
        dyad: int | None = None,
        session: int | None = None,
        perspective: str | None = None,
        kind: str | None = None,
        coded: str = CODED_ANY,
        code_id: int | None = None,
    ) -> None:
        """Set the filter widgets (as a researcher would), for scripts and tests."""
        self.dyad_box.setCurrentIndex(max(0, self.dyad_box.findData(dyad)))
        self.session_box.setValue(session or 0)
        self.perspective_box.setCurrentIndex(max(0, self.perspective_box.findData(perspective)))
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        self.coded_mode_box.setCurrentIndex(max(0, self.coded_mode_box.findData(coded)))
        if code_id is not None:
            self.coded_code_box.setCurrentIndex(self.coded_code_box.findData(code_id))

    def _request_options(self) -> dict[str, object]:
        mode = self.coded_mode_box.currentData()
        code = self.coded_code_box.currentData()
        return {
            "dyad": self.dyad_box.currentData(),
            "session": self.session_box.value() or None,
            "perspective": self.perspective_box.currentData(),
            "kind": self.kind_box.currentData(),
            "coded_with": code if mode == CODED_WITH else None,
            "not_coded_with": code if mode == NOT_CODED_WITH else None,
            "coder": self.context.shown_coder(),  # blind coding: other coders' codings never filter hits
        }

    def run_search(self, quiet: bool = False) -> None:
        """Search now; when the index must catch up first (after a large import), do it in the background."""
        project = self.context.project
        text = self.query_edit.text()
        if project is None or (quiet and not text.strip()):
            return
        if self.busy:
            self._show_status("The search index is being updated; search again when it is done.")
            return
        self._refresher.cancel()  # a refresh under way would show the previous query's hits
        options = self._request_options()
        try:
            if search.index_is_current(project) or not text.strip():
                self._show_result(search.search(project, text, limit=HIT_LIMIT, **options))
                return
        except RapportError as exc:
            self._show_error(exc)
            return
        self.busy = True
        self.search_task = run_in_background(
            self,
            "Updating the search index",
            lambda progress, cancelled: search.search(
                project, text, limit=HIT_LIMIT, progress=progress, cancelled=cancelled, **options
            ),
            self._show_result,
            self._show_error,
        )
        self.search_task.finished.connect(self._not_busy)

    def _not_busy(self, ok: bool = True) -> None:
        self.busy = False

    def _show_error(self, exc: BaseException) -> None:
        """A user error or a cancel shows in the status line (not a box: typing a query is not an event);
        a bug goes to the crash report."""
        if isinstance(exc, OperationCancelled):
            self._show_status("Search cancelled; the index will catch up at the next search.")
            return
        if not isinstance(exc, RapportError):
            report_error(self, exc, "Search")
            return
        self.result = None
        self.model.set_hits([])
        self._show_status(str(exc), error=True)
        self._update_enabled()

    def _show_result(self, result: search.SearchResult) -> None:
        self.result = result
        self.model.set_hits(result.hits)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(SNIPPET_COLUMN, QHeaderView.ResizeMode.Stretch)
        shown = "" if result.complete else f" (showing the first {len(result.hits)})"
        self._show_status(f"{result.total} hit{'s' if result.total != 1 else ''}{shown}")
        self._update_enabled()
        self.searched.emit(result)

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.out_of_date = False
        self.status.setText(escape(text, quote=False))
        self.status.setStyleSheet("color: #b00020;" if error else "")

    def open_hit(self, index: QModelIndex) -> None:
        """Ask the main window to show the hit's document at its first match (or the whole turn), with every
        match of the search in that document highlighted (F3 steps through them)."""
        if not index.isValid():
            return
        hit = self.model.hit(index.row())
        if hit.document_id is None:
            return
        if hit.kind == "memo":
            self.context.documentRequested.emit(hit.document_id, 0, 0)
            return
        start, end = hit.matches[0] if hit.matches else (hit.start, hit.end)
        self.context.documentRequested.emit(hit.document_id, start, end)
        matches = sorted(
            {
                span
                for other in self.result.hits
                if other.document_id == hit.document_id and other.kind != "memo"
                for span in other.matches
            }
        )
        if matches:
            current = matches.index((start, end)) if (start, end) in matches else 0
            self.context.matchesRequested.emit(hit.document_id, matches, current)

    # -- actions ------------------------------------------------------------------------------------
    def code_all_hits(self) -> None:
        project = self.context.project
        if project is None or self.result is None or not self.result.total:
            return
        coder_id = self.context.active_coder_id
        if coder_id is None:
            self._show_status("Choose the active coder first: codings always belong to a coder.", error=True)
            return
        dialog = CodeAllHitsDialog(codebook.list_codes(project, with_usage=False), self.result.total, self)
        if self.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        choice = dialog.choice()
        if choice is None:
            return
        code_id, scope = choice
        request = self.result.request
        name = dialog.code_box.currentText()
        command = ServiceCommand(
            f"Code {self.result.total} search hits with {name}",
            lambda: search_coding.code_search_hits(project, request, code_id, coder_id, scope),
            lambda report: search_coding.undo_hit_coding(project, report),
        )
        try:
            self.context.push(command)
        except RapportError as exc:
            self._show_status(str(exc), error=True)
            return
        self._show_status(command.result.summary(name))

    def rebuild_index(self) -> None:
        project = self.context.project
        if project is None or self.busy:
            return

        def done(report: search.SyncReport) -> None:
            self._show_status(f"Search index rebuilt: {count(report.indexed_documents, 'document')}.")

        self.busy = True
        self.rebuild_task = run_in_background(
            self,
            "Rebuilding the search index",
            lambda progress, cancelled: search.rebuild_index(project, progress, cancelled),
            done,
        )
        self.rebuild_task.finished.connect(self._not_busy)
