"""The main window as a researcher meets it: open a project, choose the coder, pick a document, code it,
undo, and the second-writer and About paths. Questions the window asks are answered by plain functions."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor

from app.services import codebook, coding, memos
from app.services import study as study_service
from app.services.project import open_project
from app.ui import study_tree_menu
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.models.study_tree import DOCUMENT_ID_ROLE
from app.ui.recent_projects import recent_projects
from tests.gui.windows import first_start_window
from tests.study_presets import SMALL_SESSION
from tests.unit.test_storage_migrations import make_old_project


@pytest.fixture
def closed_study(study, project_path) -> Path:
    """The small study on disk, closed, so the window opens it as a user would."""
    study.project.close()
    return project_path


@pytest.fixture
def window(qtbot, qapp):
    with first_start_window(qtbot, qapp, shown=True) as win:
        win.asked: list[object] = []

        def ask_coder(names: list[str], current: str | None) -> str:
            win.asked.append(names)
            return "Ben"

        win.ask_coder = ask_coder
        win.ask_read_only = lambda parent, error: win.asked.append(str(error)) or True
        yield win


def document_text(win: MainWindow) -> str:
    view = win.pane.view
    return (view.view if hasattr(view, "view") else view).toPlainText()


def test_opening_asks_which_of_several_coders_and_remembers_it(window, closed_study) -> None:
    assert window.open_path(closed_study)
    assert window.asked == [["Anna", "Ben"]]
    ben = next(c.id for c in coding.list_coders(window.context.project) if c.name == "Ben")
    assert window.context.active_coder_id == ben
    assert window.status.coder_combo.currentText() == "Ben"
    assert window.windowTitle() == "study — Rapport"
    assert "2 dyads · 4 documents · 5 codes · 5 codings" in window.status.counts_label.text()
    window.close_project()
    assert window.context.project is None and window.pane.currentWidget() is window.pane.welcome
    assert window.open_path(closed_study)
    assert len(window.asked) == 1  # the choice was remembered for this project
    assert window.context.active_coder_id == ben
    assert recent_projects() == [closed_study.resolve()]


def test_selecting_a_document_in_the_study_tree_shows_the_transcript(
    window, closed_study, study, qtbot
) -> None:
    window.open_path(closed_study)
    tree, model = window.study_tree, window.study_model
    index = model.index_of_document(study.documents["d01_s2"])
    assert index.isValid() and tree.isExpanded(index.parent())
    tree.scrollTo(index)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center())
    assert window.pane.current_document_id == study.documents["d01_s2"]
    text = document_text(window)
    assert "Therapist" in text and "Trust takes time." in text
    # Any view can ask for a document at a range; the tree follows.
    window.context.documentRequested.emit(study.documents["d02_s1"], 3, 8)
    assert window.pane.current_document_id == study.documents["d02_s1"]
    assert tree.currentIndex().data(DOCUMENT_ID_ROLE) == study.documents["d02_s1"]
    assert "Interpreter" in document_text(window)


def test_search_matches_are_highlighted_in_the_document_and_f3_steps_through_them(
    window, closed_study, study, qtbot
) -> None:
    window.open_path(closed_study)
    editor = window.pane.view
    text = SMALL_SESSION
    matches = [(text.index(word), text.index(word) + len(word)) for word in ("safe", "glad", "Trust")]
    window.context.documentRequested.emit(study.documents["d01_s1"], *matches[1])
    window.context.matchesRequested.emit(study.documents["d01_s1"], matches, 1)
    painted = editor.view.extraSelections()
    assert [selection.cursor.selectedText() for selection in painted] == ["safe", "glad", "Trust"]
    assert editor.view.textCursor().selectedText() == "glad"
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_F3)
    assert editor.view.textCursor().selectedText() == "Trust"
    # Matches for a document not shown are ignored.
    window.context.matchesRequested.emit(study.documents["d02_s1"], [(0, 3)], 0)
    assert editor.view.textCursor().selectedText() == "Trust"


def test_clicking_a_code_codes_the_selection_and_edit_undo_removes_it(window, closed_study, study) -> None:
    window.open_path(closed_study)
    window.show_document(study.documents["d01_s2"])
    view = window.pane.view.view
    cursor = view.document().find("I felt safe here")
    view.setTextCursor(QTextCursor(cursor))
    old = {r.id for r in coding.codings_for_document(window.context.project, study.documents["d01_s2"])}
    before = len(old)
    window.codebook.codeActivated.emit(study.codes["safety"])
    after = coding.codings_for_document(window.context.project, study.documents["d01_s2"])
    [new] = [r for r in after if r.id not in old]
    assert (new.code_id, new.coder_id) == (study.codes["safety"], window.context.active_coder_id)
    window.actions.undo.trigger()
    assert len(coding.codings_for_document(window.context.project, study.documents["d01_s2"])) == before
    window.actions.redo.trigger()
    assert len(coding.codings_for_document(window.context.project, study.documents["d01_s2"])) == before + 1
    assert window.undo_view.model().rowCount() == 2  # "Project opened" and the coding


def test_second_writer_is_offered_read_only(window, closed_study) -> None:
    with open_project(closed_study) as other_rapport:
        assert other_rapport.project_id
        assert window.open_path(closed_study)
        assert "open in another Rapport" in window.asked[0]
        project = window.context.project
        assert project.read_only
        assert window.status.read_only_label.isVisibleTo(window)
        assert "(read-only)" in window.windowTitle()
        assert not window.actions.import_.isEnabled()
        assert not window.codebook.new_action.isEnabled()
        window.close_project()
        window.ask_read_only = lambda parent, error: False  # "Cancel"
        assert not window.open_path(closed_study)
        assert window.context.project is None


def test_about_box_names_versions_and_data_folder(window) -> None:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from app import __version__
    from app.paths import user_data_dir

    dialog = window.show_about()
    text = dialog.text.text()
    assert f"Rapport {__version__}" in text and qVersion() in text and pyside_version in text
    assert str(user_data_dir()) in text
    dialog.close()


def test_new_project_with_the_starter_codebook(window, tmp_path) -> None:
    path = tmp_path / "fresh.rapport"
    assert window.create_project_at(path, starter_codebook=True)
    assert window.context.project.path == path.resolve()
    assert len(codebook.list_codes(window.context.project)) >= 7
    assert window.codebook.model.rowCount() > 0
    assert window.pane.currentWidget() is window.pane.hint


def test_layout_and_recent_menu_are_remembered(window, closed_study, qtbot) -> None:
    window.open_path(closed_study)
    window.docks["history"].hide()
    geometry = window.saveGeometry()
    window.close()
    assert QSettings().value("window/geometry") == geometry
    again = MainWindow(AppContext())
    qtbot.addWidget(again)
    assert not again.docks["history"].isVisibleTo(again)
    menu = again.actions.recent_menu
    menu.aboutToShow.emit()
    assert closed_study.stem in menu.actions()[0].text()
    again.reset_layout()
    assert again.docks["history"].isVisibleTo(again)


def test_hosted_windows_and_import_dialog_open(window, closed_study, tmp_path) -> None:
    window.open_path(closed_study)
    for kind, action in window.actions.windows.items():
        if action.isVisible():
            action.trigger()
            assert window.tool_windows.windows[kind].isVisible()
    transcript = tmp_path / "D05 session 1.txt"
    transcript.write_text("Therapist: Hello.\nClient: Hi.\n", encoding="utf-8")
    dialog = window.import_transcripts([str(transcript)])
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    window.close_project()
    assert not any(w.isVisible() for w in window.tool_windows.windows.values())


def test_welcome_page_has_the_window_and_panels_return_with_a_project(window, closed_study) -> None:
    assert window.pane.currentWidget() is window.pane.welcome
    assert not window.docks["study"].isVisibleTo(window)
    window.open_path(closed_study)
    assert window.docks["study"].isVisibleTo(window) and window.docks["codebook"].isVisibleTo(window)
    window.close_project()
    assert not window.docks["codebook"].isVisibleTo(window)
    assert window.pane.welcome.recent.item(0).data(Qt.ItemDataRole.UserRole) == str(closed_study.resolve())


def test_the_first_project_after_the_welcome_page_gets_the_panels_starting_widths(
    window, closed_study, study, qtbot
) -> None:
    # Sizes given while the welcome page hid the docks did not stick, and the document title held the text
    # pane at its full width: the study tree opened 169 pixels wide at 1280x800, every name cut.
    window.resize(1280, 800)
    window.open_path(closed_study)
    window.show_document(study.documents["d01_s1_client_recall"])  # a recall: the longest title
    qtbot.waitUntil(lambda: window.docks["study"].width() >= 280)
    assert window.docks["codebook"].width() >= 390


def test_dropping_files_opens_a_project_or_offers_the_import(window, closed_study, tmp_path, qtbot) -> None:
    from PySide6.QtCore import QMimeData, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(closed_study))])
    assert window.dropped_files(mime) == (closed_study, [])
    window.open_path(closed_study)
    transcript = tmp_path / "D07 session 1.docx"
    transcript.write_bytes(b"")
    mime.setUrls([QUrl.fromLocalFile(str(transcript)), QUrl.fromLocalFile(str(tmp_path / "photo.jpg"))])
    assert window.dropped_files(mime) == (None, [str(transcript)])


def test_no_stray_dock_tab_bar_is_left_over_the_panels(window, closed_study, qtbot) -> None:
    from PySide6.QtWidgets import QTabBar

    window.open_path(closed_study)
    qtbot.wait(20)
    bars = [b for b in window.findChildren(QTabBar) if b.parent() is window and b.isVisible()]
    assert bars  # the codebook's and the excerpts' tabs
    docks = [d.geometry() for d in window.docks.values() if d.isVisible()]
    for bar in bars:
        assert any(abs(d.bottom() + 1 - bar.geometry().top()) <= 3 for d in docks), bar.geometry()


def test_a_file_that_cannot_be_opened_leaves_the_current_project_open(window, closed_study, tmp_path) -> None:
    from app.ui.dialogs import crash_dialog

    window.open_path(closed_study)
    not_a_project = tmp_path / "notes.rapport"
    not_a_project.write_text("just some notes", encoding="utf-8")
    assert not window.open_path(not_a_project)
    assert window.context.project is not None and window.context.project.path == closed_study.resolve()
    message = crash_dialog.open_dialogs[-1]
    assert "notes.rapport" in message.text()
    message.close()


def test_a_new_project_that_cannot_be_created_leaves_the_current_project_open(
    window, closed_study, tmp_path
) -> None:
    from app.ui.dialogs import crash_dialog

    window.open_path(closed_study)
    taken = tmp_path / "taken.rapport"
    taken.write_text("someone else's file", encoding="utf-8")
    assert not window.create_project_at(taken, starter_codebook=False)
    assert window.context.project is not None and window.context.project.path == closed_study.resolve()
    assert taken.read_text(encoding="utf-8") == "someone else's file"
    crash_dialog.open_dialogs[-1].close()


def test_status_bar_switches_coder_and_adds_a_new_one(window, closed_study) -> None:
    window.open_path(closed_study)
    combo = window.status.coder_combo
    combo.activated.emit(combo.findText("Anna"))
    anna = next(c.id for c in coding.list_coders(window.context.project) if c.name == "Anna")
    assert window.context.active_coder_id == anna
    window.ask_new_coder_name = lambda: "Chloé"
    combo.activated.emit(combo.findText("New coder…"))
    chloe = next(c.id for c in coding.list_coders(window.context.project) if c.name == "Chloé")
    assert window.context.active_coder_id == chloe and combo.currentText() == "Chloé"


def test_memos_on_a_dyad_a_code_and_the_project_are_reached_from_the_window(
    window, closed_study, study, qtbot
) -> None:
    window.open_path(closed_study)
    panel = window.hosted("memos")
    tree, model = window.study_tree, window.study_model
    dyad_index = model.index_of_document(study.documents["d01_s1"]).parent().parent()
    assert dyad_index.data(Qt.ItemDataRole.DisplayRole) == "D01"
    menu = study_tree_menu.menu_for(tree, window.context, tree.visualRect(dyad_index).center())
    assert [a.text() for a in menu.actions()] == ["Memos on dyad D01", "Memos on the project"]
    menu.actions()[0].trigger()
    assert panel.target == "dyad" and "D01" in panel.heading.text()
    panel.new_memo()
    qtbot.keyClicks(panel.text_edit, "This dyad repairs ruptures quickly")
    panel.save()
    dyad_id = panel.target_id
    assert [m.text for m in memos.list_memos(window.context.project, "dyad", dyad_id)] == [
        "This dyad repairs ruptures quickly"
    ]
    window.context.memosRequested.emit("code", study.codes["trust"])  # the codebook's "Memos on this code"
    assert (panel.target, panel.target_id) == ("code", study.codes["trust"]) and panel.listing.count() == 0
    qtbot.mouseClick(panel.project_button, Qt.MouseButton.LeftButton)
    assert (panel.target, panel.target_id) == ("project", None)


def test_showing_two_coders_puts_both_coders_codings_in_the_editor(window, closed_study, study) -> None:
    window.open_path(closed_study)
    window.show_document(study.documents["d01_s1"])
    editor = window.pane.view
    coders = {
        c.coder_id for c in coding.codings_for_document(window.context.project, study.documents["d01_s1"])
    }
    assert len(coders) == 2
    window.context.set_active_coder(min(coders))
    editor.set_coder_filter("mine")
    assert {c.coder_id for c in editor.index.codings} == {min(coders)}
    window.context.codersShownRequested.emit(coders)
    assert editor.coder_filter.mode == "chosen" and {c.coder_id for c in editor.index.codings} == coders


def test_a_project_from_an_older_rapport_is_upgraded_in_the_background_then_opened(
    window, qtbot, tmp_path
) -> None:
    old = tmp_path / "old.rapport"
    make_old_project(old, "0002_document_edits")
    assert window.open_path(old)
    assert window.open_task is not None  # the copy and migration run off the GUI thread
    qtbot.waitUntil(lambda: window.open_task.done, timeout=20_000)
    project = window.context.project
    assert project is not None and project.path == old.resolve()
    assert project.upgraded_from_backup is not None and project.upgraded_from_backup.exists()
    assert "Upgraded" in window.status.currentMessage()
    assert [d.name for d in study_service.list_documents(project)] == ["D01 session 1"]
