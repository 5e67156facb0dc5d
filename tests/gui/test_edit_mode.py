"""Edit mode: type a correction in a coded transcript; codings, stripes and turns follow; undo restores."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from app.services import coding, editing, study
from tests.gui.test_transcript_editor import TEXT, select_words, workspace

__all__ = ["workspace"]


def coded_texts(w) -> list[str]:
    text = study.get_document(w.context.project, w.doc).text
    return [text[r.start : r.end] for r in coding.codings_for_document(w.context.project, w.doc)]


def type_at(editor, words: str, typed: str, *, after: bool = True, qtbot) -> None:
    """Put the cursor after (or before) `words` in the Qt document and type like a user."""
    document = editor.view.document()
    cursor = document.find(words)
    assert not cursor.isNull()
    cursor.setPosition(cursor.selectionEnd() if after else cursor.selectionStart())
    editor.view.setTextCursor(cursor)
    qtbot.keyClicks(editor.view, typed)


def test_typing_a_correction_keeps_codings_on_their_words(workspace, qtbot) -> None:
    w = workspace
    select_words(w.editor, "safe here")
    assert w.editor.apply_code(w.codes["trust"])
    select_words(w.editor, "takes time")
    assert w.editor.apply_code(w.codes["safety"])

    w.editor.edit_mode.toggle_action.trigger()
    assert w.editor.edit_mode.active and w.editor.edit_mode.banner.isVisible()
    assert not w.editor.stripes.isVisible()
    # the digit 3 is a coding shortcut outside edit mode; here it must type
    type_at(w.editor, "Honestly", " very", qtbot=qtbot)
    type_at(w.editor, "two weeks", " (3)", qtbot=qtbot)
    w.editor.edit_mode.toggle_action.trigger()

    assert not w.editor.edit_mode.active and w.editor.stripes.isVisible()
    text = study.get_document(w.context.project, w.doc).text
    assert "Honestly very hard" in text and "two weeks (3)" in text
    assert sorted(coded_texts(w)) == ["safe here", "takes time"]
    # the stripes were rebuilt on the new positions
    shown = {text[c.start : c.end] for c in w.editor.index.codings}
    assert shown == {"safe here", "takes time"}
    assert [e.summary for e in editing.document_history(w.context.project, w.doc)] == ["2 corrections"]

    w.context.undo_stack.undo()
    assert study.get_document(w.context.project, w.doc).text == TEXT
    assert w.editor.view.stored_text() == TEXT
    assert sorted(coded_texts(w)) == ["safe here", "takes time"]


def test_deleting_coded_text_reports_the_lost_coding(workspace, qtbot) -> None:
    w = workspace
    select_words(w.editor, "takes time")
    assert w.editor.apply_code(w.codes["rupture"])
    w.editor.edit_mode.toggle_action.trigger()
    cursor = w.editor.view.document().find(" takes time")
    cursor.removeSelectedText()
    w.editor.edit_mode.toggle_action.trigger()
    assert coded_texts(w) == []
    assert "1 coding lost all its text and was removed" in w.editor.edit_mode.banner.message.text()
    w.context.undo_stack.undo()
    assert coded_texts(w) == ["takes time"]


def test_discard_and_split_and_relabel(workspace, qtbot) -> None:
    w = workspace
    turns_before = len(study.get_document(w.context.project, w.doc).turns)
    w.editor.edit_mode.toggle_action.trigger()
    type_at(w.editor, "Welcome back", "!!", qtbot=qtbot)
    w.editor.edit_mode.discard()
    assert study.get_document(w.context.project, w.doc).text == TEXT
    assert w.editor.view.stored_text() == TEXT

    w.editor.edit_mode.toggle_action.trigger()
    document = w.editor.view.document()
    cursor = document.find("It sounds like")
    cursor.setPosition(cursor.selectionStart())
    w.editor.view.setTextCursor(cursor)
    w.editor.edit_mode.split_here()
    assert len(study.get_document(w.context.project, w.doc).turns) == turns_before + 1
    w.context.undo_stack.undo()
    assert len(study.get_document(w.context.project, w.doc).turns) == turns_before

    cursor = w.editor.view.document().find("It did.")
    w.editor.view.setTextCursor(QTextCursor(cursor.block()))
    w.editor.edit_mode.ask_label = lambda current: "Client (P1)"
    w.editor.edit_mode.relabel_here()
    text = study.get_document(w.context.project, w.doc).text
    assert "Client (P1): It did." in text
    w.editor.edit_mode.toggle_action.trigger()
    assert not w.editor.edit_mode.active
    assert (
        w.editor.view.textInteractionFlags() & Qt.TextInteractionFlag.TextEditable
        == Qt.TextInteractionFlag(0)
    )


def test_read_only_projects_refuse_edit_mode(workspace, qtbot) -> None:
    w = workspace
    refused = []
    w.editor.report_error = refused.append
    w.context.project.read_only = True
    try:
        w.editor.edit_mode.toggle_action.trigger()
    finally:
        w.context.project.read_only = False
    assert not w.editor.edit_mode.active
    assert not w.editor.edit_mode.toggle_action.isChecked()
    assert "read-only" in str(refused[0])


def test_split_right_after_typing_splits_where_the_cursor_is_as_one_undo_step(workspace, qtbot) -> None:
    w = workspace
    project, stack = w.context.project, w.context.undo_stack
    turns_before = len(study.get_document(project, w.doc).turns)
    steps_before = stack.count()
    w.editor.edit_mode.toggle_action.trigger()
    type_at(w.editor, "Welcome back", " again", qtbot=qtbot)  # pending typing, not yet committed
    cursor = w.editor.view.document().find("It sounds like")
    cursor.setPosition(cursor.selectionStart())
    w.editor.view.setTextCursor(cursor)
    w.editor.edit_mode.split_here()
    document = study.get_document(project, w.doc)
    assert "Welcome back again 🙂" in document.text
    assert len(document.turns) == turns_before + 1
    assert any(document.text[t.start :].startswith("It sounds like") for t in document.turns)
    assert stack.count() == steps_before + 1 and stack.undoText() == "Split turn"
    history = [e.summary for e in editing.document_history(project, w.doc)]
    assert history[-1].startswith("Split a turn at") and len(history) == 2  # the correction, then the split
    stack.undo()  # both the split and the typing go
    document = study.get_document(project, w.doc)
    assert document.text == TEXT and len(document.turns) == turns_before
    assert editing.document_history(project, w.doc) == []


def test_a_refused_split_after_typing_leaves_the_correction_and_no_empty_step(workspace, qtbot) -> None:
    w = workspace
    stack = w.context.undo_stack
    w.editor.edit_mode.toggle_action.trigger()
    type_at(w.editor, "Welcome back", " again", qtbot=qtbot)
    errors: list[str] = []
    w.editor.report_error = lambda error: errors.append(str(error))
    cursor = w.editor.view.document().find("[00:00:05]")
    cursor.setPosition(cursor.selectionStart())  # the very start of a turn: refused
    w.editor.view.setTextCursor(cursor)
    w.editor.edit_mode.split_here()
    assert errors and "inside a turn" in errors[0]
    assert "Welcome back again 🙂" in study.get_document(w.context.project, w.doc).text
    assert stack.undoText() == "Split turn" and stack.command(stack.index() - 1).childCount() == 1


def test_the_banner_message_spans_the_width_and_the_strip_stays_low(workspace, qtbot) -> None:
    editor = workspace.editor
    editor.resize(900, 600)
    assert editor.edit_mode.enter()
    banner = editor.edit_mode.banner
    qtbot.waitUntil(banner.isVisible)
    banner.layout().activate()
    assert banner.message.width() > banner.width() * 0.8  # not a 12-character column beside the buttons
    assert banner.height() < 110
    assert banner.done_button.geometry().right() > banner.message.geometry().center().x()
    editor.edit_mode.discard()


def test_finishing_a_long_correction_saves_it_in_the_background_as_one_undo_step(
    workspace, qtbot, monkeypatch
) -> None:
    from app.ui.views import edit_mode as edit_mode_module

    monkeypatch.setattr(edit_mode_module, "BACKGROUND_FROM_CHARS", 0)  # every transcript counts as long
    w = workspace
    mode = w.editor.edit_mode
    select_words(w.editor, "safe here")
    assert w.editor.apply_code(w.codes["trust"])
    mode.toggle_action.trigger()
    type_at(w.editor, "Honestly", " very", qtbot=qtbot)
    mode.toggle_action.trigger()
    assert mode.saving and mode.active and w.editor.view.isReadOnly()  # saving on a worker thread
    assert not mode.banner.done_button.isEnabled()
    mode.toggle_action.trigger()  # pressing Ctrl+E again while saving changes nothing
    assert mode.saving and mode.toggle_action.isChecked()
    with qtbot.waitSignal(mode.task.finished, timeout=20_000):
        pass
    assert not mode.active and not mode.toggle_action.isChecked() and w.editor.stripes.isVisible()
    assert "Honestly very hard" in w.editor.view.stored_text()
    assert coded_texts(w) == ["safe here"]
    assert w.context.undo_stack.undoText() == "Correct transcript"
    w.context.undo_stack.undo()
    assert w.editor.view.stored_text() == TEXT and coded_texts(w) == ["safe here"]
    w.context.undo_stack.redo()
    assert "Honestly very hard" in w.editor.view.stored_text()
