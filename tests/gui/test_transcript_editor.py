"""The transcript editor driven like an analyst drives it: select words, code them four ways, see the stripe,
undo and redo, click the stripe, with emoji in the text so code points and UTF-16 units must not be confused."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from app.services import codebook, coding, study
from app.services.importing import DocumentMeta, import_text
from app.ui.context import AppContext
from app.ui.views.text_view import CODE_IDS_MIME
from app.ui.views.transcript_editor import TranscriptEditor
from tests.study import StudyBuilder

TEXT = (
    "Session 3 of dyad D01.\n"
    "[00:00:05] Therapist: Welcome back 🙂. How have the last two weeks been?\n"
    "[00:00:11] Client: Honestly hard. I felt 😀😀 safe here, though. I wasn't sure I could come today, "
    "because last time I left feeling I had said too much and I kept replaying it all week long.\n"
    "[00:00:40] Therapist: I'm glad you came 👩‍👩‍👧. [video 00:12:31] It sounds like last session stayed with you.\n"
    "[00:01:15] Client: It did. 𝔗𝔯𝔲𝔰𝔱 takes time.\n"
)


@pytest.fixture
def workspace(project, qtbot):
    """A real project with the emoji transcript, three codes and the active coder, shown in the editor."""
    built = (
        StudyBuilder(project)
        .document("s3", TEXT, name="D01 session 3", dyad="D01", session=3, perspective="client",
                  kind="session")
        .code("trust", "Trust", color="#2e86de")
        .code("safety", "Safety", color="#f39c12", shortcut=3)
        .code("rupture", "Rupture", color="#e74c3c")
        .coder("anna", "Anna")
        .study
    )  # fmt: skip
    context = AppContext()
    context.set_project(project)
    context.set_active_coder(built.coders["anna"])
    editor = TranscriptEditor(context)
    qtbot.addWidget(editor)
    editor.resize(900, 600)
    editor.show()
    qtbot.waitExposed(editor)
    editor.show_document(built.documents["s3"])
    yield SimpleNamespace(editor=editor, context=context, doc=built.documents["s3"], codes=built.codes)
    context.undo_stack.clear()


def select_words(editor: TranscriptEditor, words: str, occurrence: int = 0) -> tuple[int, int]:
    """Select like a user would: Qt finds the words in its own document (UTF-16 positions)."""
    document = editor.view.document()
    cursor = QTextCursor(document)
    for _ in range(occurrence + 1):
        cursor = document.find(words, cursor)
    assert not cursor.isNull(), words
    editor.view.setTextCursor(cursor)
    start = TEXT.index(words)
    for _ in range(occurrence):
        start = TEXT.index(words, start + 1)
    return start, start + len(words)


def stored(context: AppContext, doc_id: int):
    return coding.codings_for_document(context.project, doc_id)


def test_apply_code_by_click_codes_exactly_the_chosen_words_after_emoji(workspace) -> None:
    w = workspace
    start, end = select_words(w.editor, "safe here")
    assert w.editor.apply_code(w.codes["trust"])
    [record] = stored(w.context, w.doc)
    text = study.get_document(w.context.project, w.doc).text
    assert (record.start, record.end) == (start, end)
    assert text[record.start : record.end] == "safe here"
    assert record.coder_id == w.context.active_coder_id


def test_highlight_covers_exactly_the_coded_utf16_range(workspace) -> None:
    w = workspace
    select_words(w.editor, "safe here")
    w.editor.apply_code(w.codes["trust"])
    QApplication.processEvents()
    block = w.editor.view.document().findBlock(w.editor.view.textCursor().selectionStart())
    painted = [f for f in block.layout().formats() if f.format.background().style() != Qt.BrushStyle.NoBrush]
    before = block.text()[: block.text().index("safe here")]  # "…I felt 😀😀 ": two surrogate pairs
    offset = len(before.encode("utf-16-le")) // 2  # Qt's own (UTF-16) offset within the block
    assert offset == len(before) + 2
    assert [(f.start, f.length) for f in painted] == [(offset, len("safe here"))]


def test_stripe_spans_the_lines_of_the_coding_then_undo_and_redo(workspace) -> None:
    w = workspace
    start, end = select_words(
        w.editor, "I wasn't sure I could come today, because last time I left feeling I had said too much"
    )
    w.editor.apply_code(w.codes["rupture"])
    [record] = stored(w.context, w.doc)
    QApplication.processEvents()
    [stripe] = w.editor.stripes.stripes()
    assert stripe.coding.id == record.id
    # Independent measure of the lines: Qt's cursor rectangles at the first and last coded character.
    first, last = QTextCursor(w.editor.view.document()), QTextCursor(w.editor.view.document())
    first.setPosition(w.editor.positions.to_qt(start))
    last.setPosition(w.editor.positions.to_qt(end - 1))
    top, bottom = w.editor.view.cursorRect(first).top(), w.editor.view.cursorRect(last).bottom()
    assert (
        w.editor.view.cursorRect(last).top() > w.editor.view.cursorRect(first).top()
    )  # the coding wraps lines
    assert abs(stripe.rect.top() - top) <= 2
    assert abs(stripe.rect.bottom() - bottom) <= 2
    assert stripe.label.isValid()

    w.context.undo_stack.undo()
    assert stored(w.context, w.doc) == []
    assert w.editor.stripes.stripes() == []
    w.context.undo_stack.redo()
    [again] = stored(w.context, w.doc)
    assert again.id == record.id and (again.start, again.end) == (start, end)
    assert [s.coding.id for s in w.editor.stripes.stripes()] == [record.id]


def test_shortcut_key_applies_the_code_with_that_digit(workspace, qtbot) -> None:
    w = workspace
    start, end = select_words(w.editor, "Welcome back 🙂")
    w.editor.view.setFocus()
    qtbot.keyClick(w.editor.view, Qt.Key.Key_3)
    [record] = stored(w.context, w.doc)
    assert record.code_id == w.codes["safety"]
    assert (record.start, record.end) == (start, end)
    qtbot.keyClick(w.editor.view, Qt.Key.Key_7)  # no code has this digit: nothing happens
    assert len(stored(w.context, w.doc)) == 1


def test_dropping_a_code_on_the_selection_codes_it(workspace) -> None:
    w = workspace
    select_words(w.editor, "𝔗𝔯𝔲𝔰𝔱 takes time")
    mime = QMimeData()
    mime.setData(CODE_IDS_MIME, f"{w.codes['trust']},{w.codes['safety']}".encode())
    cursor = w.editor.view.textCursor()
    cursor.setPosition(cursor.selectionStart() + 2)
    point = w.editor.view.cursorRect(cursor).center()
    buttons, keys, action = (
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.DropAction.CopyAction,
    )
    enter = QDragEnterEvent(point, action, mime, buttons, keys)  # as a real drag does: enter, move, drop
    QApplication.sendEvent(w.editor.view.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(w.editor.view.viewport(), QDragMoveEvent(point, action, mime, buttons, keys))
    QApplication.sendEvent(w.editor.view.viewport(), QDropEvent(QPointF(point), action, mime, buttons, keys))
    records = stored(w.context, w.doc)
    assert sorted(r.code_id for r in records) == sorted([w.codes["trust"], w.codes["safety"]])
    text = study.get_document(w.context.project, w.doc).text
    assert {text[r.start : r.end] for r in records} == {"𝔗𝔯𝔲𝔰𝔱 takes time"}
    w.context.undo_stack.undo()  # both codes of one drop are one undo step
    assert stored(w.context, w.doc) == []


def test_clicking_a_stripe_selects_its_text(workspace, qtbot) -> None:
    w = workspace
    select_words(w.editor, "Welcome back 🙂")
    w.editor.apply_code(w.codes["trust"])
    select_words(w.editor, "It did.")
    w.editor.apply_code(w.codes["safety"])
    w.editor.view.moveCursor(QTextCursor.MoveOperation.Start)
    QApplication.processEvents()
    stripe = next(s for s in w.editor.stripes.stripes() if s.coding.code_id == w.codes["trust"])
    qtbot.mouseClick(w.editor.stripes, Qt.MouseButton.LeftButton, pos=stripe.rect.center().toPoint())
    assert w.editor.view.textCursor().selectedText() == "Welcome back 🙂"
    tooltip = w.editor.stripes.tooltip_for(stripe.coding)
    assert "Trust" in tooltip and "Anna" in tooltip and "Welcome back" in tooltip


def test_overlapping_codings_stand_side_by_side(workspace) -> None:
    w = workspace
    select_words(w.editor, "I felt 😀😀 safe here, though. I wasn't sure")
    w.editor.apply_code(w.codes["trust"])
    select_words(w.editor, "safe here")
    w.editor.apply_code(w.codes["safety"])
    select_words(w.editor, "It did.")
    w.editor.apply_code(w.codes["rupture"])
    QApplication.processEvents()
    stripes = {s.coding.code_id: s for s in w.editor.stripes.stripes()}
    assert stripes[w.codes["trust"]].column != stripes[w.codes["safety"]].column
    assert stripes[w.codes["rupture"]].column == 0
    assert stripes[w.codes["safety"]].rect.left() > stripes[w.codes["trust"]].rect.left()


def test_stripe_menu_removes_and_recodes(workspace) -> None:
    w = workspace
    select_words(w.editor, "safe here")
    w.editor.apply_code(w.codes["trust"])
    [record] = stored(w.context, w.doc)
    menu = w.editor.build_stripe_menu(record.id)
    recode_menu = next(a.menu() for a in menu.actions() if a.text() == "Re-code as")
    next(a for a in recode_menu.actions() if a.text() == "Rupture").trigger()
    [recoded] = stored(w.context, w.doc)
    assert recoded.id == record.id and recoded.code_id == w.codes["rupture"]
    menu = w.editor.build_stripe_menu(record.id)
    next(a for a in menu.actions() if a.text() == "Remove coding").trigger()
    assert stored(w.context, w.doc) == []
    w.context.undo_stack.undo()
    w.context.undo_stack.undo()
    [back] = stored(w.context, w.doc)
    assert back.id == record.id and back.code_id == w.codes["trust"]


def test_text_menu_lists_recent_codes_first(workspace) -> None:
    w = workspace
    select_words(w.editor, "It did.")
    w.editor.apply_code(w.codes["rupture"])
    select_words(w.editor, "safe here")
    menu = w.editor.build_text_menu(w.editor.view.textCursor().selectionStart())
    texts = [a.text() for a in menu.actions()]
    assert texts[:3] == ["Code selection as", "Rupture", "All codes"]
    next(a for a in menu.actions() if a.text() == "Rupture").trigger()
    assert len(stored(w.context, w.doc)) == 2


def test_in_vivo_creates_a_code_named_after_the_words(workspace) -> None:
    w = workspace
    start, end = select_words(w.editor, "said too much")
    assert w.editor.in_vivo()
    names = {c.name: c.id for c in codebook.list_codes(w.context.project)}
    assert "said too much" in names
    [record] = stored(w.context, w.doc)
    assert record.code_id == names["said too much"] and (record.start, record.end) == (start, end)
    w.context.undo_stack.undo()
    assert stored(w.context, w.doc) == []
    assert "said too much" not in {c.name for c in codebook.list_codes(w.context.project)}
    w.context.undo_stack.redo()
    assert [r.id for r in stored(w.context, w.doc)] == [record.id]


def test_snap_to_whole_words(workspace) -> None:
    w = workspace
    w.editor.snap_action.trigger()  # the View menu's check box
    assert w.editor.options.snap_to_words
    cursor = QTextCursor(w.editor.view.document())
    block_start = w.editor.positions.to_qt(TEXT.index("Honestly"))
    cursor.setPosition(block_start + 3)  # "est|ly hard" ... starts inside "Honestly"
    cursor.setPosition(block_start + 11, QTextCursor.MoveMode.KeepAnchor)  # ends inside "hard"
    w.editor.view.setTextCursor(cursor)
    w.editor.apply_code(w.codes["trust"])
    [record] = stored(w.context, w.doc)
    assert TEXT[record.start : record.end] == "Honestly hard"


def test_coder_filter_shows_mine_or_everyone_in_distinct_hues(workspace) -> None:
    w = workspace
    anna = w.context.active_coder_id
    ben = coding.ensure_coder(w.context.project, "Ben")
    start = TEXT.index("safe here")
    coding.add_codings(w.context.project, [coding.CodingSpec(w.doc, w.codes["trust"], start, start + 9)], ben)
    select_words(w.editor, "It did.")
    w.editor.apply_code(w.codes["trust"])
    assert {c.coder_id for c in w.editor.index.codings} == {anna}
    w.editor.set_coder_filter("all")
    shown = {c.coder_id: c for c in w.editor.index.codings}
    assert set(shown) == {anna, ben}
    assert shown[anna].color != shown[ben].color  # same code, told apart by the coder's hue
    w.editor.set_coder_filter("chosen", {ben})
    assert {c.coder_id for c in w.editor.index.codings} == {ben}


def test_find_bar_steps_through_matches(workspace, qtbot) -> None:
    w = workspace
    w.editor.view.moveCursor(QTextCursor.MoveOperation.Start)
    w.editor.open_find()
    qtbot.keyClicks(w.editor.find_bar.edit, "last")
    assert len(w.editor.navigator.matches) == 3
    assert w.editor.selected_range() == (TEXT.index("last"), TEXT.index("last") + 4)
    w.editor.find_step(+1)
    second = TEXT.index("last", TEXT.index("last") + 1)
    assert w.editor.selected_range() == (second, second + 4)
    assert w.editor.find_bar.count_label.text() == "2 of 3"
    assert len(w.editor.view.extraSelections()) == 3


def test_go_to_time_and_video_reference(workspace) -> None:
    w = workspace
    assert w.editor.go_to_time("0:40")
    here = w.editor.positions.to_rapport(w.editor.view.textCursor().position())
    assert TEXT[here:].startswith("[00:00:40] Therapist")
    assert w.editor.go_to_time("[video 00:12:30]")
    here = w.editor.positions.to_rapport(w.editor.view.textCursor().position())
    assert TEXT[here:].startswith("[00:00:40] Therapist")


def test_show_document_selects_a_range_and_zoom_keeps_stripes_aligned(workspace) -> None:
    w = workspace
    start = TEXT.index("𝔗𝔯𝔲𝔰𝔱")
    w.editor.show_document(w.doc, start, start + 5)
    assert w.editor.view.textCursor().selectedText() == "𝔗𝔯𝔲𝔰𝔱"
    w.editor.apply_code(w.codes["trust"])
    size = w.editor.view.font().pointSizeF()
    w.editor.zoom(+2)
    assert w.editor.view.font().pointSizeF() > size
    QApplication.processEvents()
    [stripe] = w.editor.stripes.stripes()
    cursor = QTextCursor(w.editor.view.document())
    cursor.setPosition(w.editor.positions.to_qt(start))
    assert abs(stripe.rect.top() - w.editor.view.cursorRect(cursor).top()) <= 2
    w.editor.zoom(0)
    assert w.editor.view.font().pointSizeF() == size


def test_nothing_is_coded_without_a_selection(workspace) -> None:
    w = workspace
    w.editor.view.moveCursor(QTextCursor.MoveOperation.Start)
    assert not w.editor.apply_code(w.codes["trust"])
    assert stored(w.context, w.doc) == []
    assert w.editor.stripes.stripe_at(QPoint(5, 5)) is None


def test_memo_from_the_stripe_menu_shows_in_the_tooltip(workspace) -> None:
    w = workspace
    select_words(w.editor, "safe here")
    w.editor.apply_code(w.codes["safety"])
    [record] = stored(w.context, w.doc)
    w.editor.ask_memo_text = lambda _title, _current: "Safety named with an emoji first."
    menu = w.editor.build_stripe_menu(record.id)
    next(a for a in menu.actions() if a.text() == "Add memo…").trigger()
    shown = w.editor.index.by_id[record.id]
    assert shown.memo == "Safety named with an emoji first."
    assert "Safety named with an emoji first." in w.editor.stripes.tooltip_for(shown)
    assert next(a for a in w.editor.build_stripe_menu(record.id).actions() if a.text() == "Edit memo…")
    w.context.undo_stack.undo()
    assert w.editor.index.by_id[record.id].memo == ""


def test_changes_to_another_document_leave_the_view_alone(workspace) -> None:
    w = workspace
    other = import_text(
        w.context.project, name="Other", text="Client: Something else.\n", meta=DocumentMeta()
    )
    before = w.editor.index
    anna = w.context.active_coder_id
    coding.add_codings(w.context.project, [coding.CodingSpec(other.id, w.codes["trust"], 0, 6)], anna)
    assert w.editor.index is before
    coding.add_codings(w.context.project, [coding.CodingSpec(w.doc, w.codes["trust"], 0, 7)], anna)
    assert w.editor.index is not before and len(w.editor.index) == 1


def test_read_only_project_refuses_coding_without_touching_the_stack(workspace, project_path) -> None:
    w = workspace
    from app.services.project import open_project

    select_words(w.editor, "safe here")
    w.context.project.close()
    reader = open_project(project_path, read_only=True)
    try:
        w.context.project = reader  # as the shell does for a project opened read-only
        assert not w.editor.apply_code(w.codes["trust"])
        assert w.context.undo_stack.count() == 0
    finally:
        reader.close()


def test_a_new_coder_rereads_the_coders_not_the_codebook(workspace) -> None:
    editor, project = workspace.editor, workspace.context.project
    codes = editor.coding.codes
    ben = coding.ensure_coder(project, "Ben")  # announces the coders changed, not the codebook
    assert editor.coding.codes is codes  # a thousand-code codebook is not read again for a new coder
    assert editor.coding.coders[ben][0] == "Ben"
    codebook.update_code(project, workspace.codes["trust"], name="Basic trust")
    editor.coding.fresh_tables()
    assert editor.coding.codes[workspace.codes["trust"]].name == "Basic trust"
