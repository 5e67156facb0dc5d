"""What a code means: definition, inclusion and exclusion criteria, a typical example.

Teams share codebooks and must agree on meanings, so these fields sit right under the code tree. Edits are
saved when the pane loses focus, when another code is chosen, or with Save (Ctrl+S inside the pane), each save
one undoable command.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.services.codebook import CodeData
from app.ui.codebook_commands import CodebookActions
from app.ui.context import AppContext
from app.ui.dialogs.crash_dialog import report_error

TEXT_FIELDS = (
    ("definition", "Definition", "What this code means, in a sentence or two"),
    ("inclusion", "Include when", "Criteria for applying the code"),
    ("exclusion", "Exclude when", "When not to apply it (and which code fits instead)"),
    ("example", "Typical example", "A short excerpt that is clearly this code"),
)


class CodeEditorPane(QWidget):
    saved = Signal(int)  # code id

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.actions = CodebookActions(context)
        self.code: CodeData | None = None
        self._scheduled: tuple[CodeData, dict[str, str]] | None = None  # a save waiting for the event loop
        self.title = QLabel("No code selected", self)
        self.title.setObjectName("codeEditorTitle")
        self.edits: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label, hint in TEXT_FIELDS:
            edit = QPlainTextEdit(self)
            edit.setPlaceholderText(hint)
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(40)
            edit.setMaximumHeight(88)
            edit.installEventFilter(self)
            edit.textChanged.connect(self._update_buttons)
            self.edits[key] = edit
            form.addRow(label, edit)
        self.save_button = QPushButton("Save", self)
        self.save_button.setToolTip(
            "Save the description of this code (Ctrl+S); it is also saved when you leave"
        )
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert", self)
        self.revert_button.setToolTip("Discard the changes not yet saved")
        self.revert_button.clicked.connect(self.revert)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.title)
        layout.addLayout(form, 1)
        layout.addLayout(buttons)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        self.show_code(None)

    def show_code(self, code: CodeData | None) -> None:
        """Show a code's description (saving the previous code's unsaved edits first)."""
        if self.code is not None and code is not None and code.id == self.code.id and self.is_dirty():
            self.code = code  # the same code refreshed under us: keep what the user is typing
            return
        self.save_later()
        self.code = code
        self.title.setText(f"<b>{code.name}</b>" if code else "No code selected")
        for key, edit in self.edits.items():
            edit.blockSignals(True)
            edit.setPlainText((getattr(code, key) or "") if code else "")
            edit.blockSignals(False)
            edit.setEnabled(code is not None and not self._read_only())
        self._update_buttons()

    def values(self) -> dict[str, str]:
        return {key: edit.toPlainText() for key, edit in self.edits.items()}

    def is_dirty(self) -> bool:
        if self.code is None:
            return False
        return any((getattr(self.code, key) or "") != text for key, text in self.values().items())

    def save(self) -> bool:
        """Save unsaved edits now (Save button, Ctrl+S, closing the window)."""
        pending = self._pending()
        if pending is None:
            return False
        before, changed = pending
        self.code = replace(before, **changed)  # the refresh this save causes finds nothing unsaved
        return self._commit(before, changed)

    def save_later(self) -> None:
        """Save on the next turn of the event loop: used from focus and selection handlers, where the model
        reset a save causes must not happen while Qt is still delivering the event. `flush()` saves it at once
        (before the code is deleted or merged, say)."""
        pending = self._pending()
        if pending is None:
            return
        before, changed = pending
        if self.code is before:
            self.code = replace(before, **changed)
        if self._scheduled is None:
            QTimer.singleShot(0, self.flush)
        self._scheduled = pending

    def flush(self) -> None:
        scheduled, self._scheduled = self._scheduled, None
        if scheduled is not None:
            self._commit(*scheduled)

    def _pending(self) -> tuple[CodeData, dict[str, str]] | None:
        if self.code is None or not self.is_dirty() or self.context.project is None or self._read_only():
            return None
        return self.code, {k: v for k, v in self.values().items() if (getattr(self.code, k) or "") != v}

    def _commit(self, before: CodeData, changed: dict[str, str]) -> bool:
        if self.context.project is None:
            return False
        try:
            self.actions.update(before.id, f"Describe code “{before.name}”", **changed)
        except RapportError as error:
            if self.code is not None and self.code.id == before.id:
                self.code = before
            report_error(self, error, "Save code description")
            return False
        self._update_buttons()
        self.saved.emit(before.id)
        return True

    def revert(self) -> None:
        code, self.code = self.code, None
        self.show_code(code)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and watched in self.edits.values():
            focus = QApplication.focusWidget()
            if focus is None or not self.isAncestorOf(focus):
                self.save_later()
        return super().eventFilter(watched, event)

    def _read_only(self) -> bool:
        return bool(self.context.project and self.context.project.read_only)

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
