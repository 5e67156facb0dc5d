"""Compare the client's and the therapist's perspectives on one dyad: the view Rapport exists for.

Top: the dyad, the sessions (all, or from..to) and the shared-moment window. Middle: the theme x perspective
matrix (codes collapsible, counts rolled up, cells shaded by coverage). Bottom tabs: the excerpts behind the
clicked cell, the clicked code side by side (a column per perspective, aligned by video moment), shared
moments and one-sided themes. Double-clicking an excerpt asks the main window to open it in its document.
All numbers come from `app.services.compare`; this module only presents them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.comparison import DyadComparison, Excerpt
from app.domain.errors import RapportError
from app.domain.plural import count
from app.domain.timecode import format_timecode
from app.services import audit, coding, compare_report
from app.services import compare as service
from app.services.changes import Change
from app.ui.context import AppContext
from app.ui.models.compare_matrix import CODE_ID_ROLE, CompareMatrixModel
from app.ui.models.compare_tables import ExcerptTableModel, SideBySideModel
from app.ui.views.background_refresh import BackgroundRefresh
from app.ui.views.compare_shading import ShadeDelegate, stretch_value_columns
from app.ui.views.deferred_changes import DeferredChanges
from app.ui.views.timeline_view import TimelineView

ITEM_ROLE = Qt.ItemDataRole.UserRole + 30


class CompareView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.comparison: DyadComparison | None = None
        self._side_code: int | None = None

        self.dyad_combo = QComboBox()
        self.all_sessions = QCheckBox("All sessions")
        self.all_sessions.setChecked(True)
        self.first_session = QSpinBox()
        self.last_session = QSpinBox()
        for spin in (self.first_session, self.last_session):
            spin.setRange(1, 1)
            spin.setEnabled(False)
        self.window_spin = QSpinBox()
        self.window_spin.setRange(0, 3600)
        self.window_spin.setSuffix(" s")
        self.window_spin.setValue(int(service.DEFAULT_WINDOW_S))
        self.window_spin.setToolTip("Two perspectives' video moments this close count as one shared moment")
        self.subcodes_check = QCheckBox("Moments include sub-codes")
        self.subcodes_check.setToolTip(
            "A theme's shared moments also pool its sub-codes, so different sub-codes of one theme meet"
        )
        self.coder_combo = QComboBox()
        self.coder_combo.setToolTip("Count every coder's codings, or one coder's only")
        self.export_button = QPushButton("Export report…")
        bar = QHBoxLayout()
        for widget in (
            QLabel("Dyad"),
            self.dyad_combo,
            self.all_sessions,
            QLabel("Sessions"),
            self.first_session,
            QLabel("to"),
            self.last_session,
            QLabel("Window"),
            self.window_spin,
            self.subcodes_check,
            QLabel("Coder"),
            self.coder_combo,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        self.matrix_model = CompareMatrixModel(self)
        self.matrix_view = QTreeView()
        self.matrix_view.setModel(self.matrix_model)
        self.matrix_view.setItemDelegate(ShadeDelegate(self.matrix_view))
        self.matrix_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.matrix_view.setUniformRowHeights(True)
        self.matrix_view.setAlternatingRowColors(False)

        self.excerpt_model = ExcerptTableModel(self)
        self.excerpt_table = self._table(self.excerpt_model)
        self.side_label = QLabel("Click a code to read its excerpts side by side.")
        self.side_model = SideBySideModel(self)
        self.side_table = self._table(self.side_model)
        self.side_table.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.side_label)
        side_layout.addWidget(self.side_table)
        self.moments_list = QTreeWidget()
        self.moments_list.setHeaderLabels(["Code", "Session", "Video moment", "Perspectives"])
        self.one_sided_list = QTreeWidget()
        self.one_sided_list.setHeaderLabels(["Code", "Only raised by", "Codings"])
        for flat_list in (self.moments_list, self.one_sided_list):
            flat_list.setRootIsDecorated(False)  # flat lists: no room kept for tree branches
        self.tabs = QTabWidget()
        self.tabs.addTab(self.excerpt_table, "Excerpts")
        self.tabs.addTab(side, "Side by side")
        self.tabs.addTab(self.moments_list, "Shared moments")
        self.tabs.addTab(self.one_sided_list, "One-sided themes")
        self.timeline = TimelineView(context)
        self.tabs.addTab(self.timeline, "Session timeline")
        self.status = QLabel()

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.matrix_view)
        splitter.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.dyad_combo.currentIndexChanged.connect(self._dyad_changed)
        self.all_sessions.toggled.connect(self._sessions_toggled)
        self.first_session.valueChanged.connect(self._first_changed)
        self.last_session.valueChanged.connect(self._last_changed)
        self.window_spin.valueChanged.connect(self._window_changed)
        self.coder_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.subcodes_check.toggled.connect(lambda _on: self.refresh())
        self.matrix_view.clicked.connect(self.show_cell)
        self.matrix_view.activated.connect(self.show_cell)  # Enter on a cell, for keyboard users
        self.excerpt_table.doubleClicked.connect(
            lambda index: self.open_excerpt(self.excerpt_model.excerpt_at(index))
        )
        self.side_table.doubleClicked.connect(
            lambda index: self.open_excerpt(self.side_model.excerpt_at(index))
        )
        self.moments_list.itemClicked.connect(self._moment_clicked)
        self.one_sided_list.itemClicked.connect(self._one_sided_clicked)
        self.export_button.clicked.connect(self.export_report)
        self._dyad_documents: frozenset[int] = frozenset()  # the documents of the dyad compared
        self._background = BackgroundRefresh(self)
        self._deferred = DeferredChanges(self, self._apply_change)
        context.changed.connect(self._deferred.offer)
        context.projectChanged.connect(lambda _project: self.reload_dyads())
        context.blindChanged.connect(lambda _on: self._blind_changed())
        self.coder_combo.setEnabled(not context.blind)
        context.activeCoderChanged.connect(lambda _id: self.context.blind and self.refresh())
        self.reload_dyads()

    @staticmethod
    def _table(model) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        return table

    # -- choosing what to compare -------------------------------------------------------------------
    def reload_dyads(self) -> None:
        project = self.context.project
        self._reload_coders()
        current = self.dyad_combo.currentText()
        names = service.dyad_names(project) if project is not None else []
        self.dyad_combo.blockSignals(True)
        self.dyad_combo.clear()
        self.dyad_combo.addItems(names)
        same = current in names
        if same:
            self.dyad_combo.setCurrentText(current)
        self.dyad_combo.blockSignals(False)
        self._dyad_changed(keep_sessions=same)

    def _reload_coders(self) -> None:
        project = self.context.project
        current = self.coder_combo.currentData()
        self.coder_combo.blockSignals(True)
        self.coder_combo.clear()
        self.coder_combo.addItem("All coders", None)
        for name in service.coder_names(project) if project is not None else []:
            self.coder_combo.addItem(name, name)
        found = self.coder_combo.findData(current) if current is not None else 0
        self.coder_combo.setCurrentIndex(max(found, 0))
        self.coder_combo.blockSignals(False)

    def _blind_changed(self) -> None:
        self.coder_combo.setEnabled(not self.context.blind)
        self.refresh()

    def selected_coders(self) -> list[str] | None:
        blind_coder = self.context.shown_coder()
        if blind_coder is not None and self.context.project is not None:  # blind coding: only my codings
            return [c.name for c in coding.list_coders(self.context.project) if c.id == blind_coder]
        name = self.coder_combo.currentData()
        return None if name is None else [name]

    def set_dyad(self, name: str) -> None:
        self.dyad_combo.setCurrentText(name)

    def set_sessions(self, first: int | None, last: int | None = None) -> None:
        """All sessions (None), one session, or sessions first..last."""
        if first is None:
            self.all_sessions.setChecked(True)
            return
        self.all_sessions.blockSignals(True)
        self.all_sessions.setChecked(False)
        self.all_sessions.blockSignals(False)
        self._enable_session_spins(True)
        self.first_session.blockSignals(True)
        self.last_session.blockSignals(True)
        self.first_session.setValue(first)
        self.last_session.setValue(first if last is None else last)
        self.first_session.blockSignals(False)
        self.last_session.blockSignals(False)
        self.refresh()

    def selected_sessions(self) -> range | None:
        if self.all_sessions.isChecked():
            return None
        return range(self.first_session.value(), self.last_session.value() + 1)

    def _dyad_changed(self, *_args: object, keep_sessions: bool = False) -> None:
        """New dyad: its session range, all of it. Same dyad reloaded: keep the chosen range (clamped)."""
        project, dyad = self.context.project, self.dyad_combo.currentText()
        numbers = service.dyad_sessions(project, dyad) if project is not None and dyad else []
        top = max(numbers, default=1)
        for spin in (self.first_session, self.last_session):
            spin.blockSignals(True)
            spin.setRange(min(numbers, default=1), top)  # clamps a kept value into the new range
            spin.blockSignals(False)
        if not keep_sessions:
            self.last_session.blockSignals(True)
            self.last_session.setValue(top)
            self.last_session.blockSignals(False)
        self.refresh()
        if not keep_sessions and dyad and numbers and self.timeline.dyad_combo.findText(dyad) >= 0:
            self.timeline.show_session(dyad, min(numbers))

    def _window_changed(self, seconds: int) -> None:
        self.refresh()
        self.timeline.window_s = seconds
        self.timeline.refresh()

    def _enable_session_spins(self, enabled: bool) -> None:
        self.first_session.setEnabled(enabled)
        self.last_session.setEnabled(enabled)

    def _sessions_toggled(self, checked: bool) -> None:
        self._enable_session_spins(not checked)
        self.refresh()

    def _first_changed(self, value: int) -> None:
        if self.last_session.value() < value:
            self.last_session.setValue(value)  # refreshes through _last_changed
        else:
            self.refresh()

    def _last_changed(self, value: int) -> None:
        if self.first_session.value() > value:
            self.first_session.setValue(value)
        else:
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._deferred.flush()

    def _apply_change(self, change: Change) -> None:
        if change.everything or change.study or change.coders:
            self.reload_dyads()
        elif change.only_codings and not (change.codings & self._dyad_documents):
            return  # codings of other dyads
        elif change.codings or change.codebook or change.documents:
            self.refresh_in_background()

    # -- computing and showing ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute now (the user chose a dyad, sessions, coders or a window)."""
        self._background.cancel()
        project, dyad = self.context.project, self.dyad_combo.currentText()
        expanded = self._expanded_codes()
        if project is None or not dyad:
            self._dyad_documents = frozenset()
            self._show(None)
            self.status.setText("No dyad to compare yet: import transcripts with a dyad first.")
            return
        try:
            comparison = self._make_work()()
        except RapportError as exc:
            self._show_failure(exc)
            return
        self._show(comparison, expanded)

    def refresh_in_background(self) -> None:
        """Recompute after a change in the project, off the GUI thread; the old result stays until then."""
        if self.context.project is None or not self.dyad_combo.currentText():
            self.refresh()
            return
        try:
            work = self._make_work()
        except RapportError as exc:
            self._show_failure(exc)
            return
        self._background.request(
            work, lambda comparison: self._show(comparison, self._expanded_codes()), self._show_failure
        )

    def _make_work(self) -> Callable[[], DyadComparison]:
        """The computation of the comparison chosen on screen, as a call that may run on any thread."""
        project, dyad = self.context.project, self.dyad_combo.currentText()
        sessions, window, coders = self.selected_sessions(), self.window_spin.value(), self.selected_coders()
        subcodes = self.subcodes_check.isChecked()
        self._dyad_documents = service.dyad_document_ids(project, dyad)

        def work() -> DyadComparison:
            return service.compare_dyad(
                project, dyad, sessions, window, coders, moments_include_subcodes=subcodes
            )

        return work

    def _show_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, RapportError):
            raise exc
        self._show(None)
        self.status.setText(str(exc))

    def _expanded_codes(self) -> set[int] | None:
        if self.comparison is None:
            return None
        found = set()
        for row in self.comparison.rows:
            index = self.matrix_model.index_of_code(row.code_id)
            if index.isValid() and self.matrix_view.isExpanded(index):
                found.add(row.code_id)
        return found

    def _show(self, comparison: DyadComparison | None, expanded: set[int] | None = None) -> None:
        self.comparison = comparison
        self.matrix_model.set_comparison(comparison)
        if expanded is None:
            self.matrix_view.expandAll()
        else:
            for code_id in expanded:
                self.matrix_view.expand(self.matrix_model.index_of_code(code_id))
        stretch_value_columns(self.matrix_view.header(), 1, self.matrix_model.columnCount())
        self.excerpt_model.set_excerpts([])
        self._fill_moments()
        self._fill_one_sided()
        if comparison is not None and self._side_code is not None and comparison.row(self._side_code):
            self.show_side_by_side(self._side_code)
        else:
            self._side_code = None
            self.side_model.set_rows((), [])
        if comparison is not None:
            self.status.setText(
                f"{count(len(comparison.rows), 'theme')}, {count(len(comparison.shared_moments), 'shared moment')}, "
                f"{count(len(comparison.one_sided), 'one-sided theme')}."
            )

    def _fill_moments(self) -> None:
        self.moments_list.clear()
        for moment in self.comparison.shared_moments if self.comparison else []:
            who = ", ".join(f"{p} {len(ids)}" for p, ids in moment.codings.items())
            item = QTreeWidgetItem([moment.code, str(moment.session), format_timecode(moment.time_ms), who])
            item.setData(0, ITEM_ROLE, moment)
            self.moments_list.addTopLevelItem(item)
        fit_columns(self.moments_list)

    def _fill_one_sided(self) -> None:
        self.one_sided_list.clear()
        if self.comparison is None:
            return
        for item_data in self.comparison.one_sided:
            row = self.comparison.row(item_data.code_id)
            codings = row.cells[item_data.perspective].codings if row else 0
            item = QTreeWidgetItem([item_data.code, item_data.perspective, str(codings)])
            item.setData(0, ITEM_ROLE, item_data)
            self.one_sided_list.addTopLevelItem(item)
        fit_columns(self.one_sided_list)

    def show_cell(self, index: QModelIndex) -> None:
        """A clicked cell lists its excerpts; clicking a code lists every perspective's and lines them up."""
        if self.comparison is None or not index.isValid():
            return
        code_id = index.data(CODE_ID_ROLE)
        perspective = self.matrix_model.perspective_of_column(index.column())
        excerpts = [
            e for e in self.comparison.excerpts_for(code_id, perspective) if e.perspective is not None
        ]
        self.excerpt_model.set_excerpts(excerpts)
        self.excerpt_table.resizeColumnsToContents()
        self.show_side_by_side(code_id)
        self.tabs.setCurrentWidget(self.excerpt_table if perspective else self.side_table.parentWidget())

    def show_side_by_side(self, code_id: int) -> None:
        project = self.context.project
        if self.comparison is None or project is None:
            return
        self._side_code = code_id
        view = service.side_by_side(project, self.comparison.dyad, code_id, comparison=self.comparison)
        self.side_model.set_rows(view.perspectives, view.rows)
        stretch_value_columns(self.side_table.horizontalHeader(), 2, self.side_model.columnCount())
        self.side_label.setText(
            f"{view.code}: {len(view.rows)} rows, aligned by session-video moment where recall references exist."
        )
        self.side_table.resizeRowsToContents()

    def _moment_clicked(self, item: QTreeWidgetItem) -> None:
        moment = item.data(0, ITEM_ROLE)
        if self.comparison is None or moment is None:
            return
        self.timeline.show_session(self.comparison.dyad, moment.session)
        ids = [i for group in moment.codings.values() for i in group]
        self.excerpt_model.set_excerpts([e for i in ids if (e := self.comparison.excerpt(i)) is not None])

    def _one_sided_clicked(self, item: QTreeWidgetItem) -> None:
        found = item.data(0, ITEM_ROLE)
        if self.comparison is not None and found is not None:
            self.excerpt_model.set_excerpts(self.comparison.excerpts_for(found.code_id, found.perspective))

    def open_excerpt(self, excerpt: Excerpt | None) -> None:
        if excerpt is not None:
            self.context.documentRequested.emit(excerpt.document_id, excerpt.start, excerpt.end)

    # -- report ------------------------------------------------------------------------------------
    def ask_report_path(self) -> str:
        """The file to write; tests replace this so no dialog blocks."""
        dyad = self.comparison.dyad if self.comparison else "dyad"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export comparison", f"comparison {dyad}.docx", "Word report (*.docx);;CSV table (*.csv)"
        )
        return path

    def export_report(self) -> str | None:
        if self.comparison is None:
            return None
        path = self.ask_report_path()
        if not path:
            return None
        try:
            coders = self.coder_combo.currentData() or "all coders"
            written = compare_report.write_comparison_report(self.comparison, path, coders)
        except RapportError as exc:
            QMessageBox.warning(self, "Export comparison", str(exc))
            return None
        audit.record_export(self.context.project, "dyad comparison", written)
        self.status.setText(f"Wrote {written}.")
        return str(written)


def fit_columns(tree: QTreeWidget) -> None:
    """Every column as wide as its longest text (code paths are read whole, not "Bond/War..."), plus a gap."""
    for column in range(tree.columnCount()):
        tree.resizeColumnToContents(column)
        tree.setColumnWidth(column, tree.columnWidth(column) + 16)
