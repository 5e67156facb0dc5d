"""The empty document page says how to code: the codes' keys 1-9, or that no code has a key yet."""

from __future__ import annotations

from app.services import codebook
from app.ui.context import AppContext
from app.ui.document_pane import DocumentPane


def test_the_hint_lists_the_keys_and_follows_the_codebook(project, qtbot) -> None:
    context = AppContext()
    pane = DocumentPane(context)
    qtbot.addWidget(pane)
    context.set_project(project)
    assert "No code has a key yet" in pane.hint.text()
    trust = codebook.add_code(project, "Trust & safety")
    codebook.update_code(project, trust.id, shortcut=1)
    assert "No code has a key" not in pane.hint.text()
    assert "<b>1</b>&nbsp;Trust &amp; safety" in pane.hint.text()
    context.project = None  # the project fixture closes the file
