"""Coding a passage with a second value of a code set in the editor: refused, or replaced when the user says so,
as one undoable step."""

from __future__ import annotations

import pytest

from app.services import coding
from tests.gui.test_transcript_editor import select_words, stored, workspace  # noqa: F401  (fixture)
from tests.study import StudyBuilder


@pytest.fixture
def rupture_types(workspace):  # noqa: F811
    values = ("Withdrawal", "Confrontation")
    build = StudyBuilder(workspace.context.project).code("Rupture type").codes(*values, parent="Rupture type")
    codes = build.mark_set("Rupture type").study.codes
    return {name: codes[name] for name in values}


def test_declining_keeps_the_first_value(workspace, rupture_types) -> None:  # noqa: F811
    w = workspace
    select_words(w.editor, "safe here")
    assert w.editor.apply_code(rupture_types["Withdrawal"])
    asked: list[str] = []
    w.editor.ask_replace_value = lambda message: asked.append(message) or False
    select_words(w.editor, "safe here")
    assert not w.editor.apply_code(rupture_types["Confrontation"])
    assert "a set takes one value per passage" in asked[0]
    assert [r.code_id for r in stored(w.context, w.doc)] == [rupture_types["Withdrawal"]]


def test_replacing_is_one_undoable_step(workspace, rupture_types) -> None:  # noqa: F811
    w = workspace
    select_words(w.editor, "safe here")
    w.editor.apply_code(rupture_types["Withdrawal"])
    w.editor.ask_replace_value = lambda _message: True
    select_words(w.editor, "felt")  # overlaps nothing coded: no question
    assert w.editor.apply_code(rupture_types["Confrontation"])
    select_words(w.editor, "safe")
    assert w.editor.apply_code(rupture_types["Confrontation"])
    assert sorted(r.code_id for r in stored(w.context, w.doc)) == [rupture_types["Confrontation"]] * 2
    w.context.undo_stack.undo()
    assert sorted(r.code_id for r in stored(w.context, w.doc)) == sorted(rupture_types.values())
    w.context.undo_stack.redo()
    assert [r.code_id for r in stored(w.context, w.doc)] == [rupture_types["Confrontation"]] * 2
    assert coding.list_codings(w.context.project, code=rupture_types["Withdrawal"]) == []
