"""Memos typed in the memo panel are saved as undoable commands and are still there after reopening the file."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services import codebook, memos
from app.services.importing import DocumentMeta, import_text
from app.services.project import open_project
from app.ui.context import AppContext
from app.ui.views.memo_panel import MemoPanel, push_memo_text
from tests.study import StudyBuilder

TEXT = "Client: I felt 😀 safe.\nTherapist: Good.\n"


def open_panel(qtbot, project) -> tuple[MemoPanel, AppContext]:
    context = AppContext()
    context.set_project(project)
    panel = MemoPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    return panel, context


def test_memo_on_a_document_persists_after_reopening_the_project(project, project_path, qtbot) -> None:
    doc = import_text(project, name="D01 s1", text=TEXT, meta=DocumentMeta(dyad="D01", session=1))
    panel, context = open_panel(qtbot, project)
    panel.show_for("document", doc.id)
    panel.new_memo()
    qtbot.keyClicks(panel.title_edit, "First impression")
    qtbot.keyClicks(panel.text_edit, "Alliance forms early")
    panel.text_edit.insertPlainText(" 😀; check the recall.")  # QTest cannot type non-BMP characters
    assert panel.save_button.isEnabled()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.listing.count() == 1
    context.set_project(None)  # closes the file

    reopened = open_project(project_path)
    try:
        panel2, _context2 = open_panel(qtbot, reopened)
        panel2.show_for("document", doc.id)
        assert panel2.listing.count() == 1
        assert panel2.title_edit.text() == "First impression"
        assert panel2.text_edit.toPlainText() == "Alliance forms early 😀; check the recall."
        panel2.show_for("project", None)
        assert panel2.listing.count() == 0  # memos belong to their target
    finally:
        reopened.close()


def test_editing_and_deleting_are_undoable(project, qtbot) -> None:
    code = codebook.add_code(project, "Trust")
    panel, context = open_panel(qtbot, project)
    panel.show_for("code", code.id)
    panel.text_edit.setPlainText("Trust: the client's sense of being safe.")
    panel.save()
    [memo] = memos.list_memos(project, target="code", target_id=code.id)
    panel.text_edit.setPlainText("Trust: safety plus reliance.")
    panel.save()
    assert (
        memos.list_memos(project, target="code", target_id=code.id)[0].text == "Trust: safety plus reliance."
    )
    context.undo_stack.undo()
    assert panel.text_edit.toPlainText() == "Trust: the client's sense of being safe."
    panel.delete_current()
    assert memos.list_memos(project, target="code", target_id=code.id) == []
    context.undo_stack.undo()
    [back] = memos.list_memos(project, target="code", target_id=code.id)
    assert back.id == memo.id
    context.undo_stack.undo()  # undo the first save: the memo is gone again
    assert memos.list_memos(project, target="code", target_id=code.id) == []
    context.undo_stack.redo()
    assert [m.id for m in memos.list_memos(project, target="code", target_id=code.id)] == [memo.id]


def test_switching_targets_saves_pending_text(project, qtbot) -> None:
    doc = import_text(project, name="D01 s1", text=TEXT, meta=DocumentMeta(dyad="D01", session=1))
    panel, _context = open_panel(qtbot, project)
    panel.show_for("project", None)
    qtbot.keyClicks(panel.text_edit, "Research question: when does trust form?")
    panel.show_for("document", doc.id)  # never loses what was typed
    assert [m.text for m in memos.list_memos(project, target="project", target_id=None)] == [
        "Research question: when does trust form?"
    ]


def test_coding_memo_from_the_editor_helper(project, qtbot) -> None:
    build = StudyBuilder(project).document("D01 s1", TEXT, dyad="D01", session=1).code("Safety").coder("Anna")
    coding_id = build.coding("D01 s1", "Safety", span=(8, 16), coder="Anna", key="k").study.codings["k"]
    panel, context = open_panel(qtbot, project)
    push_memo_text(context, "coding", coding_id, "The emoji carries the feeling.")
    panel.show_for("coding", coding_id)
    assert panel.text_edit.toPlainText() == "The emoji carries the feeling."
    push_memo_text(context, "coding", coding_id, "")  # emptied: the memo goes
    assert panel.listing.count() == 0
    context.undo_stack.undo()
    assert panel.listing.count() == 1
