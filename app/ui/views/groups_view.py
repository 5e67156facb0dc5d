"""Across dyads: theme prevalence per perspective in groups of dyads formed by a dyad attribute.

The matrix (codes as rows, one column per group and perspective, cells shaded by prevalence) and, for the
selected code, a bar chart (QtCharts): a bar per perspective for each group, height = share of the group's
dyads in which that perspective raised the theme. The table exports as CSV. After codings or codes change the
matrix is recomputed off the GUI thread (hidden: when next shown), the old one staying until then.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.domain.theme_prevalence import GroupComparison, PrevalenceRow
from app.services import audit, compare_report
from app.services import compare as service
from app.services.changes import Change
from app.ui.attribute_labels import attribute_label, group_label, preferred_grouping
from app.ui.context import AppContext
from app.ui.models.compare_groups import GroupMatrixModel
from app.ui.views.background_refresh import BackgroundRefresh
from app.ui.views.compare_shading import ShadeDelegate, stretch_value_columns
from app.ui.views.deferred_changes import DeferredChanges

PERSPECTIVE_COLORS = {
    "client": "#4477aa",
    "therapist": "#ee6677",
    "interpreter": "#228833",
    "researcher": "#ccbb44",
}


class GroupsView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.comparison: GroupComparison | None = None

        self.attribute_combo = QComboBox()
        self.sessions_edit = QLineEdit()
        self.sessions_edit.setPlaceholderText("all sessions (or 2, or 1..3)")
        self.export_button = QPushButton("Export CSV…")
        bar = QHBoxLayout()
        for widget in (
            QLabel("Group dyads by"),
            self.attribute_combo,
            QLabel("Sessions"),
            self.sessions_edit,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        self.model = GroupMatrixModel(self)
        self.matrix_view = QTreeView()
        self.matrix_view.setModel(self.model)
        self.matrix_view.setItemDelegate(ShadeDelegate(self.matrix_view))
        self.matrix_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.status = QLabel()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.matrix_view)
        splitter.addWidget(self.chart_view)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.attribute_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.sessions_edit.editingFinished.connect(self.refresh)
        self.matrix_view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.export_button.clicked.connect(self.export_csv)
        self._background = BackgroundRefresh(self)
        self._deferred = DeferredChanges(self, self._apply_change)
        context.changed.connect(self._deferred.offer)
        context.blindChanged.connect(lambda _on: self.refresh())
        context.activeCoderChanged.connect(lambda _id: self.context.blind and self.refresh())
        context.projectChanged.connect(lambda _project: self.reload_attributes())
        self.reload_attributes()

    def reload_attributes(self) -> None:
        project = self.context.project
        current = self.attribute_combo.currentData()
        names = service.dyad_attributes(project) if project is not None else []
        self.attribute_combo.blockSignals(True)
        self.attribute_combo.clear()
        for name in names:
            self.attribute_combo.addItem(attribute_label(name), name)
        chosen = current if current in names else preferred_grouping(names)
        if chosen is not None:
            self.attribute_combo.setCurrentIndex(names.index(chosen))
        self.attribute_combo.blockSignals(False)
        self.refresh()

    def set_attribute(self, name: str) -> None:
        self.attribute_combo.setCurrentIndex(self.attribute_combo.findData(name))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._deferred.flush()

    def _apply_change(self, change: Change) -> None:
        if change.everything or change.study:
            self.reload_attributes()
        elif change.codings or change.codebook:
            self.refresh_in_background()

    def refresh(self) -> None:
        """Recompute now (the user chose an attribute or sessions)."""
        self._background.cancel()
        work = self._make_work()
        if work is None:
            self._show(None)
            return
        try:
            comparison = work()
        except RapportError as exc:
            self._show(None, str(exc))
            return
        self._show(comparison)

    def refresh_in_background(self) -> None:
        """Recompute after codings or codes changed, off the GUI thread; the old matrix stays until then."""
        work = self._make_work()
        if work is None:
            self.refresh()
            return
        self._background.request(work, self._show, self._show_failure)

    def _make_work(self) -> Callable[[], GroupComparison] | None:
        """The comparison chosen on screen as a call that may run on any thread; None when there is none
        (the status line says why)."""
        project, attribute = self.context.project, self.attribute_combo.currentData()
        if project is None:
            return None
        if not attribute:
            self.status.setText("Give dyads an attribute (e.g. outcome) to compare groups of dyads.")
            return None
        try:
            sessions = service.parse_sessions(self.sessions_edit.text())
        except RapportError as exc:
            self.status.setText(str(exc))
            return None
        coders = self.context.shown_coders()  # blind coding: only my codings are counted
        return lambda: service.compare_groups(project, attribute, sessions, coders)

    def _show_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, RapportError):
            raise exc
        self._show(None, str(exc))

    def _show(self, comparison: GroupComparison | None, problem: str = "") -> None:
        current = self.model.row_at(self.matrix_view.currentIndex())
        self.comparison = comparison
        self.model.set_comparison(comparison)
        self.matrix_view.expandAll()
        stretch_value_columns(self.matrix_view.header(), 1, self.model.columnCount())
        if problem:
            self.status.setText(problem)
        elif comparison is not None:
            sizes = ", ".join(
                f"{group_label(comparison.attribute, g)}: {len(comparison.dyads[g])}"
                for g in comparison.groups
            )
            self.status.setText(f"Dyads per group: {sizes}.")
        index = self.model.index_of_code(current.code_id) if current is not None else QModelIndex()
        if not index.isValid() and self.model.rowCount() > 0:
            index = self.model.index(0, 0)
        if index.isValid():
            self.matrix_view.setCurrentIndex(index)
        self.show_chart(self.model.row_at(index) if index.isValid() else None)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_chart(self.model.row_at(current))

    def show_chart(self, row: PrevalenceRow | None) -> None:
        """Bars of the theme's prevalence: groups along the axis, a bar set per perspective."""
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        comparison = self.comparison
        if row is None or comparison is None:
            self.chart.setTitle("")
            return
        self.chart.setTitle(f"{row.path}: share of dyads in which each perspective raised it")
        series = QBarSeries()
        for perspective in comparison.perspectives:
            bars = QBarSet(perspective.title())
            bars.setColor(QColor(PERSPECTIVE_COLORS.get(perspective, "#bbbbbb")))
            for group in comparison.groups:
                bars.append(row.cells[(group, perspective)].prevalence * 100)
            series.append(bars)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(
            [
                f"{group_label(comparison.attribute, g)} (n={len(comparison.dyads[g])})"
                for g in comparison.groups
            ]
        )
        values = QValueAxis()
        values.setRange(0, 100)
        values.setLabelFormat("%d%%")
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)

    def chart_values(self) -> dict[str, list[float]]:
        """Perspective -> bar heights (percent) of the chart shown, in group order."""
        found: dict[str, list[float]] = {}
        for series in self.chart.series():
            if isinstance(series, QBarSeries):
                for bars in series.barSets():
                    found[bars.label().lower()] = [bars.at(i) for i in range(bars.count())]
        return found

    def ask_csv_path(self) -> str:
        """The file to write; tests replace this so no dialog blocks."""
        attribute = self.attribute_combo.currentData() or "groups"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export groups", f"by {attribute}.csv", "CSV table (*.csv)"
        )
        return path

    def export_csv(self) -> str | None:
        if self.comparison is None:
            return None
        path = self.ask_csv_path()
        if not path:
            return None
        try:
            written = compare_report.write_groups_csv(self.comparison, path)
        except RapportError as exc:
            QMessageBox.warning(self, "Export groups", str(exc))
            return None
        audit.record_export(self.context.project, "themes by group", written)
        self.status.setText(f"Wrote {written}.")
        return str(written)
