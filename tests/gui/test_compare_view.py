"""The compare view: matrix from a real project, click-through from a cell to its excerpts, side by side,
shared moments, one-sided themes, session range, window, export; the models pass qtmodeltester."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.services import compare as service
from app.services.coding import delete_codings
from app.services.study import set_dyad_attributes
from app.ui.context import AppContext
from app.ui.models.compare_matrix import CODE_ID_ROLE, SHADE_ROLE
from app.ui.views.compare_view import CompareView
from tests.study_presets import comparison_study


@pytest.fixture
def view_and_study(project, qtbot):
    study = comparison_study(project)
    context = AppContext()
    context.project = project  # the fixture owns (and closes) the project
    project.subscribe(context._on_change)
    view = CompareView(context)
    qtbot.addWidget(view)
    yield view, study, context
    project.unsubscribe(context._on_change)


def _cell(view: CompareView, path: list[str], perspective: str | None) -> QModelIndex:
    model = view.matrix_model
    parent = QModelIndex()
    index = QModelIndex()
    for name in path:
        index = next(
            model.index(r, 0, parent)
            for r in range(model.rowCount(parent))
            if model.index(r, 0, parent).data() == name
        )
        parent = index
    column = 0 if perspective is None else 1 + model.perspectives.index(perspective)
    return index.siblingAtColumn(column)


def _click(qtbot, view: CompareView, index: QModelIndex) -> None:
    view.matrix_view.scrollTo(index)
    rect = view.matrix_view.visualRect(index)
    qtbot.mouseClick(view.matrix_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_matrix_shows_rolled_up_counts_and_shading(view_and_study, qtmodeltester) -> None:
    view, _study, _context = view_and_study
    model = view.matrix_model
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Code",
        "Client",
        "Therapist",
    ]
    tip = model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "therapist: 29 words in 1 document"
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "Alliance",
        "Rupture",
        "Competence",
    ]
    trust = _cell(view, ["Alliance", "Trust"], "client")
    assert trust.data() == "2 · 1 doc · 9.6%"
    assert _cell(view, ["Competence"], "client").data() == "–"
    assert _cell(view, ["Competence"], "client").data(SHADE_ROLE) == 0.0
    assert _cell(view, ["Alliance", "Trust"], "therapist").data(SHADE_ROLE) == 1.0  # the largest coverage
    assert view.matrix_view.isExpanded(_cell(view, ["Alliance"], None))


def test_click_a_cell_lists_its_excerpts_and_double_click_opens_one(
    view_and_study, qtbot, qtmodeltester
) -> None:
    view, study, context = view_and_study
    view.show()
    qtbot.waitExposed(view)
    _click(qtbot, view, _cell(view, ["Alliance", "Trust"], "client"))
    model = view.excerpt_model
    assert model.rowCount() == 2
    assert [model.index(r, 5).data() for r in range(2)] == ["did not trust her", "trust her yet"]
    assert model.index(0, 1).data() == "00:00:12"
    assert view.tabs.currentWidget() is view.excerpt_table
    qtmodeltester.check(model)
    index = model.index(0, 5)
    with qtbot.waitSignal(context.documentRequested) as signal:
        view.excerpt_table.doubleClicked.emit(index)
    start = study.texts["c1"].index("did not trust her")
    assert signal.args == [study.documents["c1"], start, start + len("did not trust her")]


def test_side_by_side_pairs_client_and_therapist_on_the_moment(view_and_study, qtbot, qtmodeltester) -> None:
    view, study, context = view_and_study
    view.show()
    qtbot.waitExposed(view)
    _click(qtbot, view, _cell(view, ["Alliance"], None))
    side = view.side_model
    qtmodeltester.check(side)
    assert [side.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Session",
        "Video moment",
        "Client",
        "Therapist",
    ]
    assert side.rowCount() == 2
    assert side.index(0, 1).data() == "00:00:12"
    assert side.index(0, 2).data() == "[00:00:12] “did not trust her”  — Ana"
    assert side.index(0, 3).data() == "[00:00:20] “I felt no trust yet”  — Ana"
    assert side.index(1, 3).data() is None  # the therapist said nothing more there
    with qtbot.waitSignal(context.documentRequested) as signal:
        view.side_table.doubleClicked.emit(side.index(0, 3))
    assert signal.args[0] == study.documents["t1"]


def test_moments_one_sided_window_and_session_range(view_and_study, qtbot) -> None:
    view, _study, _context = view_and_study
    assert view.moments_list.topLevelItemCount() == 1
    moment = view.moments_list.topLevelItem(0)
    assert [moment.text(c) for c in range(4)] == ["Alliance/Trust", "1", "00:00:12", "client 2, therapist 1"]
    view.moments_list.itemClicked.emit(moment, 0)
    assert view.excerpt_model.rowCount() == 3
    one_sided = [
        (view.one_sided_list.topLevelItem(i).text(0), view.one_sided_list.topLevelItem(i).text(1))
        for i in range(view.one_sided_list.topLevelItemCount())
    ]
    assert one_sided == [("Rupture", "client"), ("Competence", "therapist")]
    view.window_spin.setValue(5)
    assert view.moments_list.topLevelItemCount() == 0
    view.window_spin.setValue(30)
    view.set_sessions(2)
    assert view.matrix_model.perspectives == ("client",)
    assert view.matrix_model.index(0, 0).data() == "Rupture"
    view.set_sessions(None)
    assert view.matrix_model.perspectives == ("client", "therapist")


def test_refreshes_after_a_coding_changes_when_shown(view_and_study, project, qtbot) -> None:
    view, study, _context = view_and_study

    def names() -> list[str]:
        return [view.matrix_model.index(r, 0).data() for r in range(view.matrix_model.rowCount())]

    delete_codings(project, [study.codings["competence_t"]])  # the service notifies the context
    assert names() == ["Alliance", "Rupture", "Competence"]  # hidden: the change waits
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: names() == ["Alliance", "Rupture"])  # shown: recomputed in the background
    assert view.matrix_model.index(0, 0).data(CODE_ID_ROLE) == study.codes["Alliance"]
    delete_codings(project, [study.codings["rupture_c1"], study.codings["rupture_c2"]])
    assert view._background.busy  # the GUI thread did not wait for the comparison
    qtbot.waitUntil(lambda: names() == ["Alliance"])


def test_export_report(view_and_study, tmp_path: Path) -> None:
    view, _study, _context = view_and_study
    target = tmp_path / "out.docx"
    view.ask_report_path = lambda: str(target)  # type: ignore[method-assign]
    assert view.export_report() == str(target)
    assert docx.Document(str(target)).tables[0].rows[1].cells[0].text == "Alliance"


def test_coder_filter_and_timeline_follows_moments(view_and_study) -> None:
    view, study, _context = view_and_study
    assert [view.coder_combo.itemText(i) for i in range(view.coder_combo.count())] == [
        "All coders",
        "Ana",
        "Ben",
    ]
    view.coder_combo.setCurrentIndex(2)  # Ben coded Trust only
    names = [view.matrix_model.index(r, 0).data() for r in range(view.matrix_model.rowCount())]
    assert names == ["Alliance"]
    assert view.moments_list.topLevelItemCount() == 0
    view.coder_combo.setCurrentIndex(0)
    view.show()
    view.tabs.setCurrentWidget(view.timeline)  # the timeline computes when its tab is shown
    assert view.timeline.session_spin.value() == 1
    assert len(view.timeline.mark_items()) == 5
    view.timeline.show_session("D01", 2)
    assert [m.excerpt.coding_id for m in view.timeline.mark_items()] == [study.codings["rupture_c2"]]
    view.moments_list.itemClicked.emit(view.moments_list.topLevelItem(0), 0)  # the moment is in session 1
    assert view.timeline.session_spin.value() == 1
    assert study.codings["trust_t"] in {m.excerpt.coding_id for m in view.timeline.mark_items()}


def test_starts_without_a_project_and_follows_the_one_opened(project, qtbot) -> None:
    context = AppContext()
    view = CompareView(context)
    qtbot.addWidget(view)
    assert view.dyad_combo.count() == 0
    assert view.matrix_model.rowCount() == 0
    assert "No dyad" in view.status.text()
    comparison_study(project)
    context.project = project
    context.projectChanged.emit(project)
    assert view.dyad_combo.currentText() == "D01"
    assert view.matrix_model.rowCount() == 3
    assert view.last_session.maximum() == 2


def test_a_study_change_keeps_the_chosen_sessions(view_and_study, project) -> None:
    view, _study, _context = view_and_study
    view.set_sessions(1)
    view.show()
    set_dyad_attributes(project, "D01", {"outcome": "positive"})  # a study change reloads the dyads
    assert view.selected_sessions() == range(1, 2)
    assert view.comparison is not None and view.comparison.sessions == (1,)


def test_shared_moments_and_one_sided_themes_show_whole_code_names(view_and_study) -> None:
    view, _study, _context = view_and_study
    for tree in (view.moments_list, view.one_sided_list):
        metrics = tree.fontMetrics()
        for row in range(tree.topLevelItemCount()):
            text = tree.topLevelItem(row).text(0)
            assert tree.columnWidth(0) >= metrics.horizontalAdvance(text), text


def test_opening_the_comparison_compares_the_dyad_once(project, qtbot, monkeypatch) -> None:
    comparison_study(project)
    calls: list[tuple] = []
    compare_dyad = service.compare_dyad

    def counted(*args, **kwargs):
        calls.append(args[1:3])
        return compare_dyad(*args, **kwargs)

    monkeypatch.setattr(service, "compare_dyad", counted)
    context = AppContext()
    context.project = project
    view = CompareView(context)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert calls == [("D01", None)]  # the matrix; the timeline waits behind its tab
    view.tabs.setCurrentWidget(view.timeline)
    assert calls[1:] == [("D01", 1)] and view.timeline.mark_items()
    view.tabs.setCurrentIndex(0)
    view.timeline.show_session("D01", 1)  # already shown: not computed again
    assert len(calls) == 2
