"""The codebook dock driven like a researcher drives it; every edit is undone and redone through the stack."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from app.services import codebook, coding
from app.ui.views.codebook_panel import CodebookPanel


@pytest.fixture
def panel(context, qtbot):
    widget = CodebookPanel(context)
    qtbot.addWidget(widget)
    widget.resize(420, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.questions = []

    def confirm(title: str, text: str) -> bool:
        widget.questions.append(text)
        return True

    widget.confirm = confirm
    return widget


def codes(context) -> dict[str, codebook.CodeData]:
    return {c.path: c for c in codebook.list_codes(context.project)}


def test_new_code_is_renamed_inline_and_both_steps_undo(panel, context, qtbot) -> None:
    panel.new_action.trigger()
    assert "New code" in codes(context)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)  # the new code's name is open for typing
    editor.setText("Empathy")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Empathy" in codes(context))  # the delegate commits on the next event-loop turn
    assert "New code" not in codes(context)
    assert panel.selected_code_id() == codes(context)["Empathy"].id
    stack = context.undo_stack
    stack.undo()
    assert "New code" in codes(context)
    stack.undo()
    assert "New code" not in codes(context)
    stack.redo()
    stack.redo()
    assert "Empathy" in codes(context)


def test_new_sub_code_goes_under_the_selected_code(panel, context, study) -> None:
    panel.select_code(study.codes["rupture"])
    new_id = panel.new_code(study.codes["rupture"], name="Withdrawal", edit=False)
    assert codes(context)["Rupture/Withdrawal"].id == new_id
    context.undo_stack.undo()
    assert "Rupture/Withdrawal" not in codes(context)
    context.undo_stack.redo()
    assert codes(context)["Rupture/Withdrawal"].id == new_id  # the same row comes back


def test_recolour_and_shortcut_undo(panel, context, study) -> None:
    panel.select_code(study.codes["repair"])
    panel.ask_color = lambda current: "#123456"
    panel.color_action.trigger()
    assert codes(context)["Repair"].color == "#123456"
    index = panel.model.index_of_code(study.codes["repair"])
    assert (
        index.data(Qt.ItemDataRole.DecorationRole).pixmap(14, 14).toImage().pixelColor(7, 7).name()
        == "#123456"
    )
    context.undo_stack.undo()
    assert codes(context)["Repair"].color == "#e67e22"
    context.undo_stack.redo()
    assert codes(context)["Repair"].color == "#123456"

    codebook.update_code(context.project, study.codes["rupture"], shortcut=4)
    panel.assign_shortcut(4)  # takes key 4 away from Rupture
    assert (codes(context)["Repair"].shortcut, codes(context)["Rupture"].shortcut) == (4, None)
    context.undo_stack.undo()
    assert (codes(context)["Repair"].shortcut, codes(context)["Rupture"].shortcut) == (None, 4)


def test_delete_says_how_many_codings_go_and_undo_restores_them(panel, context, study) -> None:
    before = len(coding.list_codings(context.project))
    panel.select_code(study.codes["trust"])
    panel.delete_action.trigger()
    assert "its 1 sub-code" in panel.questions[0] and "4 codings by all coders" in panel.questions[0]
    assert "Alliance/Trust" not in codes(context) and "Alliance/Trust/Safety" not in codes(context)
    assert len(coding.list_codings(context.project)) == before - 4
    context.undo_stack.undo()
    assert codes(context)["Alliance/Trust/Safety"].id == study.codes["safety"]
    assert len(coding.list_codings(context.project)) == before
    context.undo_stack.redo()
    assert len(coding.list_codings(context.project)) == before - 4


def test_delete_is_not_done_when_the_user_says_no(panel, context, study) -> None:
    panel.confirm = lambda title, text: False
    panel.select_code(study.codes["repair"])
    panel.delete()
    assert "Repair" in codes(context) and context.undo_stack.count() == 0


def test_merge_moves_codings_collapses_duplicates_and_undoes(panel, context, study) -> None:
    # Ben coded "Honestly hard" as Rupture; code the same words as Repair too, so one pair collapses.
    text = coding.list_codings(context.project, code=study.codes["rupture"])[0]
    spec = coding.CodingSpec(text.document_id, study.codes["repair"], text.start, text.end)
    coding.add_codings(context.project, [spec], study.coders["ben"])
    panel.select_code(study.codes["rupture"])
    panel.ask_merge_target = lambda source_id: study.codes["repair"]
    panel.merge_action.trigger()
    assert "Rupture" not in codes(context)
    assert len(coding.list_codings(context.project, code=study.codes["repair"])) == 1
    assert panel.selected_code_id() == study.codes["repair"]
    context.undo_stack.undo()
    assert codes(context)["Rupture"].id == study.codes["rupture"]
    assert len(coding.list_codings(context.project, code=study.codes["rupture"])) == 1
    context.undo_stack.redo()
    assert "Rupture" not in codes(context)


def test_drop_on_a_code_reparents_it_undoably(panel, context, study, qtbot) -> None:
    model = panel.model
    mime = model.mimeData([model.index_of_code(study.codes["repair"])])
    target = panel.proxy.mapFromSource(model.index_of_code(study.codes["rupture"]))
    panel.proxy.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)  # as the view does: "onto"
    qtbot.waitUntil(lambda: "Rupture/Repair" in codes(context))
    context.undo_stack.undo()
    assert "Repair" in codes(context)
    assert [c.name for c in codebook.list_codes(context.project) if c.parent_id is None][-1] == "Repair"


def test_editor_pane_saves_the_description_as_one_undoable_step(panel, context, study) -> None:
    panel.select_code(study.codes["rupture"])
    pane = panel.editor
    pane.edits["definition"].setPlainText("A strain in the collaboration.")
    pane.edits["exclusion"].setPlainText("Not for disagreements about facts.")
    assert pane.save_button.isEnabled()
    pane.save_button.click()
    saved = codes(context)["Rupture"]
    assert (saved.definition, saved.exclusion) == (
        "A strain in the collaboration.",
        "Not for disagreements about facts.",
    )
    context.undo_stack.undo()
    assert codes(context)["Rupture"].definition == ""
    assert pane.edits["definition"].toPlainText() == ""  # the pane follows the undo


def test_choosing_another_code_saves_unsaved_description(panel, context, study, qtbot) -> None:
    panel.select_code(study.codes["rupture"])
    panel.editor.edits["example"].setPlainText("“You never listen to me.”")
    panel.select_code(study.codes["repair"])
    qtbot.waitUntil(lambda: codes(context)["Rupture"].example == "“You never listen to me.”")
    assert panel.editor.code.id == study.codes["repair"]


def test_clicking_a_code_activates_it(panel, study, qtbot) -> None:
    index = panel.proxy.mapFromSource(panel.model.index_of_code(study.codes["rupture"]))
    rect = panel.tree.visualRect(index)
    with qtbot.waitSignal(panel.codeActivated) as signal:
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [study.codes["rupture"]]
    panel.select_code(study.codes["repair"])
    panel.tree.setFocus()
    with qtbot.waitSignal(panel.codeActivated) as signal:
        qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert signal.args == [study.codes["repair"]]


def test_filter_and_mine_only_counts(panel, context, study) -> None:
    panel.filter.setText("saf")
    assert panel.proxy.rowCount() == 1  # Alliance, kept for its matching grandchild
    panel.filter.setText("")
    panel.mine_only.setChecked(True)
    assert panel.model.coder_filter == study.coders["anna"]
    context.set_active_coder(study.coders["ben"])
    assert panel.model.coder_filter == study.coders["ben"]


def test_read_only_project_disables_edits(panel, context, study, project_path) -> None:
    from app.services.project import open_project

    context.set_project(None)
    study.project.close()
    context.set_project(open_project(project_path, read_only=True))
    assert not panel.new_action.isEnabled()
    panel.select_code(study.codes["repair"])
    assert not panel.delete_action.isEnabled()
    assert not panel.editor.edits["definition"].isEnabled()
    context.project.close()


def test_delete_key_deletes_in_the_tree_but_not_while_typing_a_definition(
    panel, context, study, qtbot
) -> None:
    panel.select_code(study.codes["repair"])
    definition = panel.editor.edits["definition"]
    definition.setFocus()
    definition.setPlainText("abc")
    qtbot.keyClick(definition, Qt.Key.Key_Delete)
    assert panel.questions == [] and "Repair" in codes(context)
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert len(panel.questions) == 1
    assert "Repair" not in codes(context)
    context.undo_stack.undo()  # the code comes back with the definition typed just before deleting it
    assert codes(context)["Repair"].definition == "bc"  # Delete removed the character, not the code


def test_mark_a_code_set_and_number_a_value_then_undo(panel, context) -> None:
    from app.services import code_sets

    parent = codebook.add_code(context.project, "Intensity")
    low = codebook.add_code(context.project, "Low", parent=parent.id)
    codebook.add_code(context.project, "High", parent=parent.id)
    panel.select_code(parent.id)
    assert panel.set_action.isEnabled() and not panel.set_action.isChecked()
    assert not panel.number_action.isEnabled()  # a top-level code is no value
    panel.set_action.trigger()
    assert code_sets.read_code_set(context.project, parent.id).marked
    assert panel.set_action.isChecked()
    panel.select_code(low.id)
    panel.ask_number = lambda name, current: 1.5 if (name, current) == ("Low", None) else False
    panel.number_action.trigger()
    assert code_sets.read_code_set(context.project, parent.id).numbers == [1.5, None]
    context.undo_stack.undo()
    assert code_sets.read_code_set(context.project, parent.id).numbers == [None, None]
    context.undo_stack.undo()
    assert not code_sets.read_code_set(context.project, parent.id).marked
    context.undo_stack.redo()
    assert code_sets.read_code_set(context.project, parent.id).marked
