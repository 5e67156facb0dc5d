"""Two coders correct one transcript at once: the later save is refused and explained, the coder's corrected
text is kept (as a memo or on the clipboard), and the other coder's correction stands."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.services import coding, editing, memos, study
from app.ui.views import edit_conflicts
from tests.gui.test_edit_mode import type_at
from tests.gui.test_transcript_editor import TEXT, workspace

__all__ = ["workspace"]


def start_conflict(w, qtbot) -> str:
    """Anna starts editing; Alex (another window, here the service) corrects the same transcript."""
    w.editor.edit_mode.toggle_action.trigger()
    type_at(w.editor, "Honestly", " very", qtbot=qtbot)
    alex = coding.ensure_coder(w.context.project, "Alex")
    alexs = TEXT.replace("Welcome back", "Welcome back again")
    editing.edit_document_text(w.context.project, w.doc, alexs, coder_id=alex)
    return alexs


def test_a_conflicting_correction_is_kept_as_a_memo_and_the_transcript_shows_theirs(workspace, qtbot) -> None:
    w = workspace
    alexs = start_conflict(w, qtbot)
    asked = []
    w.editor.edit_mode.ask_conflict_choice = lambda error: (
        asked.append(str(error)) or edit_conflicts.KEEP_AS_MEMO
    )

    w.editor.edit_mode.toggle_action.trigger()  # Finish editing

    assert asked and asked[0].startswith("Alex corrected “D01 session 3” while you were editing it")
    assert not w.editor.edit_mode.active and not w.editor.edit_mode.toggle_action.isChecked()
    assert study.get_document(w.context.project, w.doc).text == alexs
    assert w.editor.view.stored_text() == alexs
    [memo] = memos.list_memos(w.context.project, "document", w.doc)
    assert memo.title == "Corrections not saved"
    assert "- insert “ very” near “" in memo.text
    assert TEXT.replace("Honestly", "Honestly very") in memo.text
    # Keeping the memo is one undo step, the correction none (it was not saved).
    assert w.context.undo_stack.count() == 1
    w.context.undo_stack.undo()
    assert memos.list_memos(w.context.project, "document", w.doc) == []


def test_copy_or_go_on_editing(workspace, qtbot) -> None:
    w = workspace
    start_conflict(w, qtbot)
    w.editor.edit_mode.ask_conflict_choice = lambda error: edit_conflicts.KEEP_EDITING
    w.editor.edit_mode.toggle_action.trigger()
    assert w.editor.edit_mode.active and w.editor.edit_mode.toggle_action.isChecked()
    assert "Honestly very" in w.editor.edit_mode.current_text()  # still on screen, still editable

    w.editor.edit_mode.ask_conflict_choice = lambda error: edit_conflicts.COPY
    w.editor.edit_mode.toggle_action.trigger()
    assert not w.editor.edit_mode.active
    assert QApplication.clipboard().text() == TEXT.replace("Honestly", "Honestly very")
    assert memos.list_memos(w.context.project, "document", w.doc) == []


def test_undo_of_a_correction_another_coder_built_on_is_refused(workspace, qtbot) -> None:
    w = workspace
    w.editor.edit_mode.toggle_action.trigger()
    type_at(w.editor, "Honestly", " very", qtbot=qtbot)
    w.editor.edit_mode.toggle_action.trigger()
    mine = study.get_document(w.context.project, w.doc).text
    alex = coding.ensure_coder(w.context.project, "Alex")
    editing.edit_document_text(w.context.project, w.doc, mine + "Alex's note.\n", coder_id=alex)
    failures = []
    w.context.failed.connect(failures.append)

    w.context.undo_stack.undo()

    assert failures and "Alex changed “D01 session 3” after your correction" in str(failures[0])
    assert study.get_document(w.context.project, w.doc).text == mine + "Alex's note.\n"


def test_a_long_correction_saved_in_the_background_meets_the_conflict_too(
    workspace, qtbot, monkeypatch
) -> None:
    from app.ui.views import edit_mode as edit_mode_module

    monkeypatch.setattr(edit_mode_module, "BACKGROUND_FROM_CHARS", 0)  # every transcript counts as long
    w = workspace
    alexs = start_conflict(w, qtbot)
    mode = w.editor.edit_mode
    mode.ask_conflict_choice = lambda error: edit_conflicts.KEEP_AS_MEMO
    mode.toggle_action.trigger()
    assert mode.saving  # on a worker thread; the refusal comes back to the GUI thread
    qtbot.waitUntil(lambda: not mode.saving, timeout=20_000)

    assert not mode.active and study.get_document(w.context.project, w.doc).text == alexs
    [memo] = memos.list_memos(w.context.project, "document", w.doc)
    assert TEXT.replace("Honestly", "Honestly very") in memo.text
