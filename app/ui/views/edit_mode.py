"""Edit mode for the transcript editor: correct text, split and merge turns, relabel speakers.

An explicit toggle (Ctrl+E, clearly shown by a banner). While editing, the text is writable and the coding
stripes are hidden (positions are in motion); finishing sends the whole correction to
`app.services.editing` as ONE undoable action, after which codings, turns, memos and the search index follow.
A long transcript is saved in the background with progress (`BACKGROUND_FROM_CHARS`).
Codings whose whole text was deleted are listed in the banner (undo brings them back).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DocumentChangedElsewhere, RapportError
from app.services import editing, study
from app.ui.background_commands import push_in_background
from app.ui.coding_index import CodingIndex
from app.ui.commands import ServiceCommand
from app.ui.dialogs.crash_dialog import report_error
from app.ui.text_positions import TextPositions
from app.ui.views import edit_conflicts

# From this length on, Finish saves in the background. The service re-anchors every coding and turn and
# re-indexes the text: 324 ms for 100,000 words (about 600,000 characters) with 5,000 codings, so a transcript
# under 30,000 characters is saved in a few tens of milliseconds and stays synchronous (no dialog to flash).
BACKGROUND_FROM_CHARS = 30_000

# Only the strip itself: an unscoped style sheet would give every label and button inside it a border too.
BANNER_STYLE = "QWidget#editModeBanner { background:#fff4ce; border-bottom:1px solid #e0c060; }"


class EditModeBanner(QWidget):
    """The strip above the text while editing: what is going on, and the turn tools."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editModeBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(BANNER_STYLE)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.split_button = QPushButton("Split turn here", self)
        self.merge_button = QPushButton("Merge with next turn", self)
        self.relabel_button = QPushButton("Relabel speaker…", self)
        self.discard_button = QPushButton("Discard changes", self)
        self.done_button = QPushButton("Finish editing", self)
        self.done_button.setDefault(True)
        # The message gets the whole width on its own line (beside the buttons it was squeezed into a narrow,
        # tall column); the tools sit under it, the way out on the right.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        for button in (self.split_button, self.merge_button, self.relabel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)


class EditMode:
    """Attached to a TranscriptEditor; owns the toggle action and the banner."""

    def __init__(self, editor) -> None:
        self.editor = editor
        self.active = False
        self.saving = False  # a long correction is being saved in the background
        self.task = None
        self.last_removed: tuple[editing.RemovedCoding, ...] = ()
        self.banner = EditModeBanner(editor)
        self.banner.hide()
        self.toggle_action = QAction("Edit transcript", editor)
        self.toggle_action.setCheckable(True)
        self.toggle_action.setShortcut(QKeySequence("Ctrl+E"))
        self.toggle_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.toggle_action.setToolTip("Correct the transcript; codings follow every correction")
        self.toggle_action.toggled.connect(self._toggled)
        editor.addAction(self.toggle_action)
        self.history_action = QAction("Document history…", editor)
        self.history_action.triggered.connect(self.show_history)
        self.banner.done_button.clicked.connect(lambda: self.toggle_action.setChecked(False))
        self.banner.discard_button.clicked.connect(self.discard)
        self.banner.split_button.clicked.connect(self.split_here)
        self.banner.merge_button.clicked.connect(self.merge_here)
        self.banner.relabel_button.clicked.connect(self.relabel_here)

    # -- entering and leaving ------------------------------------------------------------------
    def _toggled(self, on: bool) -> None:
        if self.saving:  # a correction is being saved: the toggle waits for it
            self._set_checked(True)
            return
        if on and not self.active:
            if not self.enter():
                self.toggle_action.setChecked(False)
        elif not on and self.active:
            self.finish(background=True)

    def _set_checked(self, on: bool) -> None:
        self.toggle_action.blockSignals(True)
        self.toggle_action.setChecked(on)
        self.toggle_action.blockSignals(False)

    def enter(self) -> bool:
        editor, project = self.editor, self.editor.context.project
        if project is None or editor.current_document_id is None:
            return False
        if project.read_only:
            editor.report_error(
                RapportError("This project is open read-only; the transcript cannot be changed.")
            )
            return False
        self.active = True
        view = editor.view
        view.editing = True
        editor.highlighter.set_content(TextPositions(view.stored_text()), CodingIndex([]), frozenset())
        editor.highlighter.rehighlight()
        editor.stripes.hide()
        view.setReadOnly(False)
        view.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.banner.message.setText(
            "<b>Editing the transcript.</b> Correct words, then finish: codings, turns and memos follow "
            "your corrections, and Edit ▸ Undo reverses them in one step."
        )
        self.banner.show()
        view.setFocus()
        return True

    def current_text(self) -> str:
        # toRawText keeps non-breaking spaces that toPlainText would turn into ordinary spaces.
        return self.editor.view.document().toRawText().replace("\u2029", "\n")

    def _leave(self) -> None:
        view = self.editor.view
        view.editing = False
        view.setReadOnly(True)
        view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.editor.stripes.show()
        self.active = False
        if self.toggle_action.isChecked():
            self.toggle_action.setChecked(False)

    def finish(self, background: bool = False) -> bool:
        """Commit the correction as one undoable action; False (and still editing) if it was refused.

        With `background` (the Finish button, Ctrl+E) a long transcript is saved off the GUI thread with
        progress, and True means the save started; switching documents saves at once, before loading."""
        if self.saving:
            return False  # the correction is still being saved
        editor = self.editor
        new_text, old_text = self.current_text(), editor.view.stored_text()
        if new_text == old_text:
            self._leave()
            self.banner.hide()
            editor.reload_document()
            return True
        if background and len(new_text) >= BACKGROUND_FROM_CHARS:
            self._commit_in_background(new_text)
            return True
        if not self._commit_text(new_text):
            if self.active:  # refused, still editing (a conflict may have ended edit mode)
                self._set_checked(True)
            return False
        self._leave()
        self._show_outcome()
        return True

    def _loaded_version(self, document_id: int | None = None) -> int | None:
        """The version of the text on screen (while editing, changes from elsewhere do not reload it); None
        when the editor shows another document (a redo from the history), which expects nothing."""
        document = self.editor.document
        if document is None or (document_id is not None and document.id != document_id):
            return None
        return document.version

    def follow_version(self) -> None:
        """The document changed while being edited (a turn tool's undo, another coder). When its text is still
        the one the corrections started from, they apply to the new version as well; otherwise say at once
        that finishing will be refused, rather than only when the coder finishes."""
        editor = self.editor
        try:
            current = study.get_document(editor.context.project, editor.current_document_id)
        except RapportError:
            return  # the document is gone: finishing says so
        if current.text == editor.view.stored_text():
            editor.document = current
        elif not self.saving:
            self.banner.message.setText(
                "<b>Another coder changed this transcript while you were editing it.</b> Your corrections "
                "cannot be saved over theirs: when you finish, you can keep them as a memo or copy them."
            )

    def _command(self, new_text: str) -> ServiceCommand:
        """The correction, made from the version on screen. Its undo expects the text the correction left and
        its redo the text the undo left, so neither silently reverts what another coder did in between."""
        editor = self.editor
        project, document_id = editor.context.project, editor.current_document_id
        coder = editor.context.active_coder_id
        expect = {"expected_version": self._loaded_version()}

        def do():
            return editing.edit_document_text(project, document_id, new_text, coder_id=coder, **expect)

        def undo(outcome) -> None:
            editing.restore_document(project, outcome.snapshot, expected_text_hash=outcome.text_hash)
            expect.clear()
            expect["expected_text_hash"] = outcome.snapshot.text_hash

        return ServiceCommand("Correct transcript", do, undo)

    def _commit_text(self, new_text: str) -> bool:
        editor = self.editor
        command = self._command(new_text)
        try:
            editor.context.push(command)
        except DocumentChangedElsewhere as error:
            edit_conflicts.handle_conflict(self, error, editor.view.stored_text())
            return False
        except RapportError as error:
            editor.report_error(error)
            return False
        self.last_removed = command.result.removed_codings
        editor.reload_document()
        return True

    def _commit_in_background(self, new_text: str) -> None:
        """Save the correction on a worker thread (progress after half a second); the text stays read-only
        until it is saved, then the command joins the undo history like any other."""
        self.saving = True
        self._set_checked(True)
        self.editor.view.setReadOnly(True)
        self._enable_banner_buttons(False)
        self.banner.message.setText("<b>Saving your corrections…</b>")
        self.task = push_in_background(
            self.editor.context,
            self._command(new_text),
            self.editor,
            "Saving the corrected transcript",
            self._saved,
            self._not_saved,
        )

    def _saved(self, command) -> None:
        self.saving = False
        self._enable_banner_buttons(True)
        self.last_removed = command.result.removed_codings
        self._leave()
        self.editor.reload_document()
        self._show_outcome()

    def _not_saved(self, error: BaseException) -> None:
        """Refused (or a bug): the correction stays in the editor, still in edit mode, nothing in the history."""
        self.saving = False
        self._enable_banner_buttons(True)
        self.editor.view.setReadOnly(False)
        self.banner.message.setText("<b>Editing the transcript.</b> The correction was not saved.")
        if isinstance(error, DocumentChangedElsewhere):
            edit_conflicts.handle_conflict(self, error, self.editor.view.stored_text())
        elif isinstance(error, RapportError):
            self.editor.report_error(error)
        else:
            report_error(self.editor, error, "Correct transcript")

    def _enable_banner_buttons(self, enabled: bool) -> None:
        for button in (self.banner.split_button, self.banner.merge_button, self.banner.relabel_button,
                       self.banner.discard_button, self.banner.done_button):  # fmt: skip
            button.setEnabled(enabled)

    def _show_outcome(self) -> None:
        if not self.last_removed:
            self.banner.hide()
            return
        texts = "; ".join(f"“{r.text[:40]}”" for r in self.last_removed[:5])
        more = f" and {len(self.last_removed) - 5} more" if len(self.last_removed) > 5 else ""
        self.banner.message.setText(
            (
                "1 coding lost all its text and was removed"
                if len(self.last_removed) == 1
                else f"{len(self.last_removed)} codings lost all their text and were removed"
            )
            + f": {texts}{more}. Edit ▸ Undo brings {'it' if len(self.last_removed) == 1 else 'them'} back."
        )
        for button in (self.banner.split_button, self.banner.merge_button, self.banner.relabel_button,
                       self.banner.discard_button):  # fmt: skip
            button.hide()
        self.banner.done_button.setText("OK")
        self.banner.done_button.clicked.connect(self._close_banner)
        self.banner.show()

    def _close_banner(self) -> None:
        self.banner.done_button.clicked.disconnect(self._close_banner)
        for button in (self.banner.split_button, self.banner.merge_button, self.banner.relabel_button,
                       self.banner.discard_button):  # fmt: skip
            button.show()
        self.banner.done_button.setText("Finish editing")
        self.banner.hide()

    def discard(self) -> None:
        self._leave()
        self.banner.hide()
        self.editor.reload_document()

    # -- turn tools (each commits pending corrections first; both are one undo step) ---------------
    def _cursor_position(self) -> int | None:
        """The cursor's code-point position, after committing pending corrections (None when refused).

        The position is taken in the text being edited before it is committed: committing reloads the
        document, and the committed text is exactly that text, so the position stays valid."""
        qt_position = self.editor.view.textCursor().position()
        text = self.current_text() if self.active else self.editor.view.stored_text()
        if text != self.editor.view.stored_text():
            if not self._commit_text(text):
                return None
            return TextPositions(text).to_rapport(qt_position)
        return self.editor.positions.to_rapport(qt_position)

    def _turn_at(self, position: int):
        turns = self.editor.document.turns if self.editor.document else []
        return next((t for t in turns if t.start <= position < t.end), turns[-1] if turns else None)

    def _tool(self, label: str, act) -> None:
        """Run a turn tool `act(position)` with pending corrections committed first, as one undo step."""
        stack = self.editor.context.undo_stack
        grouped = self.active and self.current_text() != self.editor.view.stored_text()
        if grouped:
            stack.beginMacro(label)
        try:
            position = self._cursor_position()
            if position is not None:
                act(position)
        finally:
            if grouped:
                stack.endMacro()
                newest = stack.command(stack.index() - 1)
                if newest is not None and newest.childCount() == 0:  # everything was refused: leave no step
                    newest.setObsolete(True)
                    stack.undo()

    def _push(self, label: str, do, undo) -> None:
        try:
            self.editor.context.push(ServiceCommand(label, do, undo))
        except RapportError as error:
            self.editor.report_error(error)
        self.editor.reload_document()

    def ask_conflict_choice(self, error: DocumentChangedElsewhere) -> str:
        """Overridable in tests: keep unsaved corrections as a memo, copy them, or go on editing."""
        return edit_conflicts.ask_what_to_keep(self.editor, error)

    def split_here(self) -> None:
        project, document_id = self.editor.context.project, self.editor.current_document_id
        coder = self.editor.context.active_coder_id
        self._tool(
            "Split turn",
            lambda position: self._push(
                "Split turn",
                lambda: editing.split_turn(
                    project,
                    document_id,
                    position,
                    coder_id=coder,
                    expected_version=self._loaded_version(document_id),
                ),
                lambda snapshot: editing.restore_turns(project, snapshot),
            ),
        )

    def merge_here(self) -> None:
        project, document_id = self.editor.context.project, self.editor.current_document_id
        coder = self.editor.context.active_coder_id

        def act(position: int) -> None:
            turn = self._turn_at(position)
            if turn is not None:
                self._push(
                    "Merge turns",
                    lambda: editing.merge_turn_with_next(
                        project,
                        document_id,
                        turn.start,
                        coder_id=coder,
                        expected_version=self._loaded_version(document_id),
                    ),
                    lambda snapshot: editing.restore_turns(project, snapshot),
                )

        self._tool("Merge turns", act)

    def relabel_here(self) -> None:
        project, document_id = self.editor.context.project, self.editor.current_document_id
        coder = self.editor.context.active_coder_id

        def act(position: int) -> None:
            turn = self._turn_at(position)
            label = self.ask_label(turn.speaker or "") if turn is not None else None
            if label:
                self._push(
                    f"Relabel speaker as “{label}”",
                    lambda: editing.relabel_speaker(
                        project,
                        document_id,
                        turn.start,
                        label,
                        coder_id=coder,
                        expected_version=self._loaded_version(document_id),
                    ),
                    lambda outcome: editing.restore_document(project, outcome.snapshot),
                )

        self._tool("Relabel speaker", act)

    def ask_label(self, current: str) -> str | None:
        """Overridable in tests."""
        text, ok = QInputDialog.getText(self.editor, "Relabel speaker", "Speaker of this turn:", text=current)
        return text.strip() if ok else None

    # -- history --------------------------------------------------------------------------------
    def show_history(self) -> None:
        project, document_id = self.editor.context.project, self.editor.current_document_id
        if project is None or document_id is None:
            return
        HistoryDialog(editing.document_history(project, document_id), self.editor).exec()


class HistoryDialog(QDialog):
    """Who corrected this document, when, and what changed."""

    def __init__(self, entries: list[editing.HistoryEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Document history")
        self.resize(640, 360)
        self.table = QTableWidget(len(entries), 3, self)
        self.table.setHorizontalHeaderLabels(["When", "Change", "Edits"])
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, entry in enumerate(reversed(entries)):
            cells = (entry.at.strftime("%Y-%m-%d %H:%M"), entry.summary, str(len(entry.edits)))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not entries:
            layout.addWidget(QLabel("This document has not been corrected since it was imported."))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
