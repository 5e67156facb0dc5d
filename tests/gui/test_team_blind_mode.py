"""Blind coding: while on, every view shows only the active coder's codings; switching it off shows the rest."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.context import AppContext
from app.ui.models.code_tree import CodeTreeModel
from app.ui.status_bar import StatusBar
from app.ui.views.compare_view import CompareView
from app.ui.views.excerpts_view import ExcerptsView
from app.ui.views.transcript_editor import TranscriptEditor


def _editor_coders(editor: TranscriptEditor) -> set[int]:
    return {shown.coder_id for shown in editor.index.codings}


def test_blind_mode_hides_the_other_coder_in_the_editor_and_comes_back(context, study, qtbot):
    editor = TranscriptEditor(context)
    qtbot.addWidget(editor)
    editor.show_document(study.documents["d01_s1"])
    editor.set_coder_filter("all")
    anna, ben = study.coders["anna"], study.coders["ben"]
    assert _editor_coders(editor) == {anna, ben}

    with qtbot.waitSignal(context.blindChanged):
        context.set_blind(True)
    assert _editor_coders(editor) == {anna}
    assert len(editor.index.codings) == 2  # Anna's trust and safety, not Ben's two
    assert not editor.coder_box.isEnabled()
    assert editor.coder_box.currentIndex() == 0  # "My codings"

    context.set_active_coder(ben)  # the next coder at the same machine sees only their own work
    assert _editor_coders(editor) == {ben}

    context.set_blind(False)
    assert _editor_coders(editor) == {anna, ben}
    assert editor.coder_box.isEnabled()
    assert editor.coder_filter.mode == "all"  # the researcher's own choice is back


def test_blind_mode_hides_the_other_coder_in_excerpts_and_codebook_counts(context, study, qtbot):
    view = ExcerptsView(context)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded):
        view.show_code(study.codes["trust"])
    assert sorted(r.coder for r in view.model.all_excerpts()) == ["Anna", "Anna", "Ben"]
    tree = CodeTreeModel(context)
    everyone = tree.usage(study.codes["trust"])[0]
    rupture = tree.usage(study.codes["rupture"])[0]
    assert everyone == 3 and rupture == 1

    with qtbot.waitSignal(view.loaded):
        context.set_blind(True)
    assert [r.coder for r in view.model.excerpts()] == ["Anna", "Anna"]
    assert not view.filters["coder"].isEnabled()
    assert tree.usage(study.codes["trust"])[0] == 2
    assert tree.usage(study.codes["rupture"])[0] == 0  # only Ben coded a rupture

    with qtbot.waitSignal(view.loaded):
        context.set_blind(False)
    assert sorted(r.coder for r in view.model.excerpts()) == ["Anna", "Anna", "Ben"]
    assert view.filters["coder"].isEnabled()
    assert tree.usage(study.codes["trust"])[0] == everyone
    assert tree.usage(study.codes["rupture"])[0] == 1


def test_blind_mode_limits_the_compare_view_to_my_codings(context, study, qtbot):
    view = CompareView(context)
    qtbot.addWidget(view)
    assert view.selected_coders() is None  # every coder
    context.set_blind(True)
    assert view.selected_coders() == ["Anna"]
    assert not view.coder_combo.isEnabled()
    context.set_blind(False)
    assert view.selected_coders() is None
    assert view.coder_combo.isEnabled()


def test_status_bar_shows_blind_mode_and_a_click_switches_it_off(context, qtbot):
    bar = StatusBar(context)
    qtbot.addWidget(bar)
    assert bar.blind_button.isHidden()
    context.set_blind(True)
    assert not bar.blind_button.isHidden()
    qtbot.mouseClick(bar.blind_button, Qt.MouseButton.LeftButton)
    assert context.blind is False
    assert bar.blind_button.isHidden()


def test_blind_mode_is_remembered_per_project(context, study, qtbot):
    context.set_blind(True)
    again = AppContext()
    again.set_project(study.project)  # the same project opened again on this machine
    assert again.blind is True
    context.set_blind(False)
    again.project = None  # the fixture closes the project file
    third = AppContext()
    third.set_project(study.project)
    assert third.blind is False
    third.project = None


def test_edit_menu_switches_blind_mode_and_the_window_remembers_it(qtbot, qapp, study, project_path):
    from PySide6.QtCore import QSettings

    from app.ui.dialogs.coders_dialog import CodersDialog
    from app.ui.main_window import MainWindow

    qapp.setOrganizationName("Rapport")
    qapp.setApplicationName("Rapport")
    QSettings().clear()
    study.project.close()
    context = AppContext()
    window = MainWindow(context)
    window.ask_coder = lambda names, current: "Anna"
    qtbot.addWidget(window)
    try:
        assert window.open_path(project_path)
        action = window.actions.blind
        assert action.isEnabled() and not action.isChecked()
        action.trigger()
        assert context.blind and not window.status.blind_button.isHidden()
        window.close_project()
        assert not action.isEnabled()
        assert window.open_path(project_path)
        assert context.blind and action.isChecked()  # remembered for this project
        qtbot.mouseClick(window.status.blind_button, Qt.MouseButton.LeftButton)
        assert not context.blind and not action.isChecked()
        window.actions.coders.trigger()
        assert any(isinstance(d, CodersDialog) for d in window.dialogs)
    finally:
        context.undo_stack.clear()
        context.set_project(None)


def test_blind_mode_limits_the_session_timeline_to_my_codings(project, qtbot):
    from app.services import coding
    from app.ui.views.timeline_view import TimelineView
    from tests.study_presets import comparison_study

    ids = comparison_study(project)
    context = AppContext()
    context.project = project
    ben = next(c.id for c in coding.list_coders(project) if c.name == "Ben")
    context.set_active_coder(ben)
    view = TimelineView(context)
    qtbot.addWidget(view)
    view.show()  # a hidden timeline computes nothing until shown
    qtbot.waitExposed(view)
    view.show_session("D01", 1)
    everyone = {m.excerpt.coding_id for m in view.mark_items()}
    assert ids.codings["trust_c_ben"] in everyone and ids.codings["trust_c_ana"] in everyone
    context.set_blind(True)
    assert {m.excerpt.coding_id for m in view.mark_items()} == {ids.codings["trust_c_ben"]}
    context.set_blind(False)
    assert {m.excerpt.coding_id for m in view.mark_items()} == everyone


def test_blind_mode_before_a_coder_is_chosen_shows_nobodys_codings(context, study, qtbot):
    context.set_active_coder(None)
    editor = TranscriptEditor(context)
    qtbot.addWidget(editor)
    editor.show_document(study.documents["d01_s1"])
    editor.set_coder_filter("all")
    view = ExcerptsView(context)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded):
        view.show_code(study.codes["trust"])
    tree = CodeTreeModel(context)
    compare = CompareView(context)
    qtbot.addWidget(compare)
    assert _editor_coders(editor) and view.model.all_excerpts() and tree.usage(study.codes["trust"])[0] == 3

    # e.g. a project reopened in blind mode, the "who are you?" question cancelled
    with qtbot.waitSignal(view.loaded):
        context.set_blind(True)
    assert _editor_coders(editor) == set()
    assert view.model.all_excerpts() == []
    assert tree.usage(study.codes["trust"])[0] == 0
    assert compare.selected_coders() == []
    assert context.shown_coders() == []

    with qtbot.waitSignal(view.loaded):
        context.set_active_coder(study.coders["anna"])
    assert _editor_coders(editor) == {study.coders["anna"]}
    assert {r.coder for r in view.model.all_excerpts()} == {"Anna"}


def test_the_blind_badge_is_painted_white_on_purple_and_stands_out_from_the_bar(context, qtbot):
    from PySide6.QtGui import QColor

    from app.ui.status_bar import BLIND_COLOR

    bar = StatusBar(context)
    qtbot.addWidget(bar)
    bar.resize(1280, 30)
    context.set_blind(True)
    bar.show()
    qtbot.waitExposed(bar)
    image = bar.blind_button.grab().toImage()
    pixels = [QColor(image.pixel(x, y)) for x in range(image.width()) for y in range(image.height())]
    purple = QColor(BLIND_COLOR)

    def near(a: QColor, b: QColor) -> bool:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40

    assert sum(near(p, purple) for p in pixels) > len(pixels) / 2  # the background is painted
    assert any(p.lightness() > 230 for p in pixels)  # white text on it
    around = QColor(bar.grab().toImage().pixel(2, 2))
    assert abs(around.lightness() - purple.lightness()) > 100  # unlike the near-white bar
    assert "BLIND" in bar.window().windowTitle() or "BLIND" in bar.blind_button.text()
