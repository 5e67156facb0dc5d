"""When a correction cannot be saved because another coder changed the transcript meanwhile.

The service refused it (`DocumentChangedElsewhere`) and saved nothing. The coder's corrected text is never
lost: they choose to keep it as a memo on the document (an undoable action; the memo lists each correction and
holds the whole text), to copy it, or to go on editing. The first two leave edit mode and show the transcript as
the other coder left it, so the corrections can be applied again to the current version.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.errors import DocumentChangedElsewhere, RapportError
from app.services import document_versions, memos
from app.ui.commands import ServiceCommand

KEEP_AS_MEMO, COPY, KEEP_EDITING = "memo", "copy", "edit"


def ask_what_to_keep(parent, error: DocumentChangedElsewhere) -> str:
    box = QMessageBox(QMessageBox.Icon.Warning, "Transcript changed meanwhile", str(error), parent=parent)
    memo = box.addButton("Keep my corrections as a memo", QMessageBox.ButtonRole.AcceptRole)
    copy = box.addButton("Copy my corrected text", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Go on editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(memo)
    box.exec()
    clicked = box.clickedButton()
    return KEEP_AS_MEMO if clicked is memo else COPY if clicked is copy else KEEP_EDITING


def handle_conflict(edit_mode, error: DocumentChangedElsewhere, loaded_text: str) -> None:
    """Offer the choices; keep the coder's text as they chose. `edit_mode` is the editor's EditMode."""
    editor = edit_mode.editor
    kept = error.kept_text if error.kept_text is not None else edit_mode.current_text()
    choice = edit_mode.ask_conflict_choice(error)
    if choice == KEEP_EDITING:
        return
    if choice == COPY:
        QApplication.clipboard().setText(kept)
    else:
        project, coder = editor.context.project, editor.context.active_coder_id
        document_id = error.document_id if error.document_id is not None else editor.current_document_id
        text = document_versions.unsaved_corrections_memo(loaded_text, kept)
        command = ServiceCommand(
            "Keep unsaved corrections as a memo",
            lambda: memos.add_memo(
                project, "document", document_id, title="Corrections not saved", text=text, author_id=coder
            ),
            lambda memo: memos.delete_memo(project, memo.id),
        )
        try:
            editor.context.push(command)
        except RapportError as failure:  # the memo could not be written: the text stays in the editor
            editor.report_error(failure)
            return
    edit_mode.discard()
