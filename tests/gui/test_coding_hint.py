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


def test_the_document_title_names_the_kind_once(project, qtbot) -> None:
    from app.services.importing import DocumentMeta, import_text
    from app.ui.views.transcript_editor import TranscriptEditor

    meta = DocumentMeta(dyad="D01", session=1, perspective="client", kind="session")
    session = import_text(project, name="D01 S1 session", text="T: Hi\nC: Hello\n", meta=meta)
    meta = DocumentMeta(dyad="D01", session=1, perspective="client", kind="recall")
    recall = import_text(project, name="D01 S1 client recall", text="R: Hi\nC: Hello\n", meta=meta)
    context = AppContext()
    context.set_project(project)
    editor = TranscriptEditor(context)
    qtbot.addWidget(editor)
    editor.show_document(session.id)
    assert "Session transcript · dyad D01 · session 1</span>" in editor.title.text()
    editor.show_document(recall.id)
    assert "Recall interview · dyad D01 · session 1 · client&#x27;s view" in editor.title.text()
    context.project = None
