"""Who is coding: a new project asks once and remembers; nothing is credited silently to the login name."""

from __future__ import annotations

import pytest

from app.services import coding
from app.ui import coder_choice
from app.ui.context import AppContext
from app.ui.views.transcript_editor import TranscriptEditor
from tests.gui.test_transcript_editor import TEXT, select_words
from tests.gui.windows import first_start_window
from tests.study import StudyBuilder


@pytest.fixture
def window(qtbot, qapp):
    with first_start_window(qtbot, qapp) as win:
        win.asked = []
        yield win


def test_a_new_project_asks_who_is_coding_once_and_remembers_it(window, tmp_path) -> None:
    window.ask_new_coder_name = lambda: window.asked.append("who?") or "Dana Reyes"
    assert window.create_project_at(tmp_path / "one.rapport", starter_codebook=False)
    project = window.context.project
    assert window.asked == ["who?"]
    assert [c.name for c in coding.list_coders(project)] == ["Dana Reyes"]
    assert window.context.active_coder_id == coding.list_coders(project)[0].id
    assert window.status.coder_combo.currentText() == "Dana Reyes"

    window.close_project()
    assert window.open_path(tmp_path / "one.rapport")  # one coder: that one, no question
    assert window.asked == ["who?"]
    assert coder_choice.suggested_name() == "Dana Reyes"  # offered first for the next new project


def test_cancelling_the_question_credits_nobody(window, tmp_path) -> None:
    window.ask_new_coder_name = lambda: None
    assert window.create_project_at(tmp_path / "two.rapport", starter_codebook=False)
    assert coding.list_coders(window.context.project) == []
    assert window.context.active_coder_id is None


@pytest.fixture
def editor_without_coder(project, qtbot):
    built = (
        StudyBuilder(project)
        .document("s3", TEXT, name="D01 session 3", dyad="D01", session=3, kind="session")
        .code("Trust")
        .study
    )
    context = AppContext()
    context.set_project(project)
    editor = TranscriptEditor(context)
    qtbot.addWidget(editor)
    editor.resize(900, 600)
    editor.show()
    qtbot.waitExposed(editor)
    editor.show_document(built.documents["s3"])
    yield editor, context, built.codes["Trust"]
    context.undo_stack.clear()


def test_the_first_coding_asks_who_is_coding_then_never_again(editor_without_coder) -> None:
    editor, context, trust = editor_without_coder
    asked = []
    editor.ask_coder_name = lambda parent: asked.append(parent) or "Ana"
    select_words(editor, "Honestly hard")
    assert editor.apply_code(trust)
    select_words(editor, "takes time")
    assert editor.apply_code(trust)
    assert len(asked) == 1
    assert {c.coder for c in coding.list_codings(context.project)} == {"Ana"}
    assert [c.name for c in coding.list_coders(context.project)] == ["Ana"]


def test_no_answer_codes_nothing_and_creates_no_login_coder(editor_without_coder) -> None:
    editor, context, trust = editor_without_coder
    editor.ask_coder_name = lambda parent: None
    select_words(editor, "Honestly hard")
    assert not editor.apply_code(trust)
    assert coding.list_codings(context.project) == []
    assert coding.list_coders(context.project) == []
