"""In the full window, a coding refreshes only what it changed: no model reset, one announcement per action,
hidden views catch up when shown, and a failed undo leaves the project and the history consistent."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QSignalSpy

from app.domain.errors import InvalidInput
from app.services import coding
from app.services.changes import Change
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.models.excerpts_model import ExcerptsModel
from app.ui.views.excerpts_view import ExcerptsView
from tests.gui.windows import first_start_window


@pytest.fixture
def window(qtbot, qapp, study, project_path: Path):
    study.project.close()
    anna = lambda names, current: "Anna"  # noqa: E731
    with first_start_window(qtbot, qapp, ask_coder=anna, size=(1280, 800), shown=True) as win:
        win.open_path(project_path)
        win.show_document(study.documents["d01_s2"])
        with qtbot.waitSignal(win.hosted("excerpts").loaded):
            win.codebook.select_code(study.codes["safety"])  # the applied code is the one the Excerpts view lists
        win.heard = []
        win.context.changed.connect(win.heard.append)
        yield win


def code_words(win: MainWindow, words: str, code_id: int) -> None:
    view = win.pane.view.view
    view.setTextCursor(QTextCursor(view.document().find(words)))
    win.codebook.codeActivated.emit(code_id)


def spies(model) -> dict[str, QSignalSpy]:
    names = ("modelReset", "rowsInserted", "rowsRemoved", "dataChanged", "layoutChanged")
    return {name: QSignalSpy(getattr(model, name)) for name in names}


def test_a_coding_updates_code_tree_and_excerpts_without_a_reset(window, study) -> None:
    excerpts = window.hosted("excerpts")
    tree = window.codebook.model
    tree_spy, excerpt_spy = spies(tree), spies(excerpts.model)
    before = excerpts.model.rowCount()
    count_before = tree.usage(study.codes["safety"])

    code_words(window, "It did.", study.codes["safety"])

    assert len(window.heard) == 1  # one announcement for the action
    assert window.heard[0].initiator is window.pane.view  # the editor started it
    assert tree_spy["modelReset"].count() == 0 and excerpt_spy["modelReset"].count() == 0
    assert tree_spy["dataChanged"].count() >= 1
    assert tree.usage(study.codes["safety"]) == (count_before[0] + 1, 2)
    assert excerpt_spy["rowsInserted"].count() == 1 and excerpts.model.rowCount() == before + 1
    assert "It did." in [e.text for e in excerpts.model.excerpts()]

    window.actions.undo.trigger()
    assert excerpt_spy["rowsRemoved"].count() == 1 and excerpts.model.rowCount() == before
    assert tree.usage(study.codes["safety"]) == count_before
    window.actions.redo.trigger()
    assert excerpts.model.rowCount() == before + 1
    assert tree_spy["modelReset"].count() == 0 and excerpt_spy["modelReset"].count() == 0
    assert len(window.heard) == 3  # apply, undo, redo: one each


def test_a_coding_of_another_code_leaves_the_excerpts_alone(window, study) -> None:
    excerpts = window.hosted("excerpts")
    excerpt_spy = spies(excerpts.model)
    code_words(window, "It did.", study.codes["repair"])
    assert all(spy.count() == 0 for spy in excerpt_spy.values())


def test_a_hidden_excerpts_view_catches_up_when_shown(window, study, qtbot) -> None:
    dock = window.docks["excerpts"]
    excerpts = window.hosted("excerpts")
    dock.hide()
    before = excerpts.model.rowCount()
    code_words(window, "It did.", study.codes["safety"])
    assert excerpts.model.rowCount() == before  # stale, and nothing was loaded for it
    dock.show()
    qtbot.waitUntil(lambda: excerpts.model.rowCount() == before + 1)


def test_search_results_filtered_by_codings_are_marked_out_of_date_not_rerun(window, study, qtbot) -> None:
    from app.ui.views.search_panel import CODED_WITH

    panel = window.hosted("search")
    window.docks["search"].raise_()
    panel.set_filters(coded=CODED_WITH, code_id=study.codes["safety"])
    panel.query_edit.setText("did")
    panel.run_search()
    qtbot.waitUntil(lambda: panel.result is not None and not panel.busy, timeout=20_000)
    shown = panel.result
    code_words(window, "It did.", study.codes["safety"])
    assert panel.result is shown and panel.out_of_date  # the query did not run again on the GUI thread
    assert "Refresh" in panel.status.text()
    panel.status.linkActivated.emit("refresh")
    qtbot.waitUntil(lambda: panel.result is not shown and not panel.busy, timeout=20_000)
    assert not panel.out_of_date and panel.result.total >= 1


def test_a_failed_undo_is_reported_rolled_back_and_clears_the_history(window, study, qtbot) -> None:
    context = window.context
    project = context.project
    code_words(window, "It did.", study.codes["safety"])
    errors: list[BaseException] = []
    context.failed.disconnect()
    context.failed.connect(errors.append)
    messages: list[str] = []
    context.undoCleared.connect(messages.append)

    def undo_half_then_fail(_result) -> None:
        coding.delete_codings(
            project, [r.id for r in coding.codings_for_document(project, study.documents["d01_s2"])]
        )
        raise InvalidInput("The coding changed in the meantime.")

    context.push(ServiceCommand("Fragile", lambda: None, undo_half_then_fail))
    before = coding.codings_for_document(project, study.documents["d01_s2"])
    window.heard.clear()
    context.undo_stack.undo()
    assert [str(e) for e in errors] == ["The coding changed in the meantime."]
    assert coding.codings_for_document(project, study.documents["d01_s2"]) == before  # rolled back
    assert window.heard == []  # nothing committed, nothing announced
    qtbot.waitUntil(lambda: context.undo_stack.count() == 0)
    assert messages and "cleared" in messages[0]
    assert "cleared" in window.status.currentMessage()


def test_the_excerpts_model_hands_rows_over_in_batches(qtmodeltester, project) -> None:
    from app.services.excerpts import Excerpt

    def row(i: int) -> Excerpt:
        return Excerpt(i, 1, "Doc", "D1", 1, "client", "Anna", "Trust", "#123456", i, i + 1, "x", "", "")

    model = ExcerptsModel()
    model.set_excerpts([row(i) for i in range(450)])
    assert model.rowCount() == 200 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 400
    model.patch({0, 5}, [row(1000)])  # two go, one arrives at the end (beyond what was handed over)
    assert model.rowCount() == 398 and len(model.excerpts()) == 449
    model.fetch_all()
    assert model.rowCount() == 449 and not model.canFetchMore()
    qtmodeltester.check(model)


def test_excerpts_view_patches_rows_after_a_service_change(qtbot, context, study) -> None:
    view = ExcerptsView(context)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.loaded):
        view.show_code(study.codes["trust"])
    spy = spies(view.model)
    [record] = coding.add_codings(
        context.project,
        [coding.CodingSpec(study.documents["d01_s1"], study.codes["trust"], 0, 10)],
        study.coders["anna"],
    )
    assert spy["rowsInserted"].count() == 1 and spy["modelReset"].count() == 0
    coding.delete_codings(context.project, [record.id])
    assert spy["rowsRemoved"].count() == 1 and spy["modelReset"].count() == 0
    with qtbot.waitSignal(view.loaded):
        context.changed.emit(Change(everything=True))  # a structural change still reloads
    assert spy["modelReset"].count() == 1


def test_undo_and_redo_patch_the_editor_from_the_change(window, study) -> None:
    editor = window.pane.view
    shown_before = set(editor.index.by_id)
    code_words(window, "It did.", study.codes["safety"])
    [new] = set(editor.index.by_id) - shown_before
    window.actions.undo.trigger()
    assert set(editor.index.by_id) == shown_before
    window.actions.redo.trigger()
    assert set(editor.index.by_id) == shown_before | {new}  # the same coding, its id kept
    assert editor.index.by_id[new].code_id == study.codes["safety"]


def test_an_import_clears_the_undo_history_and_says_so(window, study, qtbot, tmp_path) -> None:
    code_words(window, "It did.", study.codes["safety"])
    assert window.context.undo_stack.count() == 1
    source = tmp_path / "codes.csv"
    source.write_text("path,name,color,definition\nHope,Hope,#112233,Looking forward\n", encoding="utf-8")
    task = window.actions.exchange.import_("codebook_csv", source)
    qtbot.waitUntil(lambda: task.done, timeout=20_000)
    assert window.context.undo_stack.count() == 0
    assert "undo history was cleared" in window.status.currentMessage()
    window.actions.exchange.summary_box.close()


def test_the_first_coding_without_a_coder_creates_one_in_the_same_undo_step(qtbot, project) -> None:
    from app.services import codebook
    from app.services.importing import DocumentMeta, import_text
    from app.ui.views.transcript_editor import TranscriptEditor

    doc = import_text(project, name="D1", text="Client: I felt safe.\n", meta=DocumentMeta()).id
    code = codebook.add_code(project, "Safety").id
    context = AppContext()
    context.set_project(project)
    editor = TranscriptEditor(context)
    qtbot.addWidget(editor)
    editor.ask_coder_name = lambda parent: "Ana"  # the researcher answers "Who is coding?"
    editor.show_document(doc)
    editor.select_range(8, 20)
    assert context.active_coder_id is None
    assert editor.apply_code(code)
    assert [c.name for c in coding.list_coders(project)] == ["Ana"] and context.active_coder_id is not None
    assert context.undo_stack.count() == 1  # one step: the coder and the coding
    context.undo_stack.undo()
    assert coding.list_coders(project) == [] and coding.list_codings(project) == []
    assert context.active_coder_id is None
    context.undo_stack.redo()
    assert len(coding.list_codings(project)) == 1 and context.active_coder_id is not None
    context.undo_stack.clear()
    context.project = None  # the fixture closes the file


def test_each_command_keeps_the_change_its_action_announced(window, study) -> None:
    code_words(window, "It did.", study.codes["safety"])
    command = window.context.undo_stack.command(0)
    [made] = command.change.coding_ids_added
    assert command.change == window.heard[-1]  # what the views heard, exactly
    assert command.change.initiator is window.pane.view and command.change.codes == {study.codes["safety"]}
    window.actions.undo.trigger()
    assert command.change.coding_ids_removed == {made} and command.change.initiator is None
    window.actions.redo.trigger()
    assert command.change.coding_ids_added == {made} and command.change == window.heard[-1]
