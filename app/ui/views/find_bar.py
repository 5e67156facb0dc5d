"""The find bar under the transcript (Ctrl+F): type to highlight every match, Enter / Shift+Enter to step.

Matching runs on the stored text in Python (code points); the editor converts the hits to Qt positions to paint
them, so a search after an emoji still lands on the right words.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


def find_all(
    text: str, needle: str, *, match_case: bool = False, whole_words: bool = False
) -> list[tuple[int, int]]:
    """Every occurrence of `needle` in `text` as code point ranges."""
    if not needle:
        return []
    pattern = re.escape(needle)
    if whole_words:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    flags = 0 if match_case else re.IGNORECASE
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, flags)]


class FindBar(QWidget):
    """Emits what to search for; the editor owns the text, the matches and the current hit."""

    searchChanged = Signal()
    nextRequested = Signal()
    previousRequested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in document")
        self.edit.setClearButtonEnabled(True)
        self.previous_button = QToolButton(self, text="▲", toolTip="Previous match (Shift+Enter)")
        self.next_button = QToolButton(self, text="▼", toolTip="Next match (Enter)")
        self.case_box = QCheckBox("Match case", self)
        self.words_box = QCheckBox("Whole words", self)
        self.count_label = QLabel(self)
        self.count_label.setMinimumWidth(80)
        close = QToolButton(self, text="✕", toolTip="Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        for widget in (self.edit, self.previous_button, self.next_button, self.case_box, self.words_box):
            layout.addWidget(widget)
        layout.addWidget(self.count_label, 1)
        layout.addWidget(close)
        self.edit.textChanged.connect(self.searchChanged)
        self.case_box.toggled.connect(self.searchChanged)
        self.words_box.toggled.connect(self.searchChanged)
        self.edit.returnPressed.connect(self.nextRequested)
        self.next_button.clicked.connect(self.nextRequested)
        self.previous_button.clicked.connect(self.previousRequested)
        close.clicked.connect(self.close_bar)
        self.edit.installEventFilter(self)

    @property
    def needle(self) -> str:
        return self.edit.text()

    def matches_in(self, text: str) -> list[tuple[int, int]]:
        return find_all(
            text, self.needle, match_case=self.case_box.isChecked(), whole_words=self.words_box.isChecked()
        )

    def show_count(self, current: int | None, total: int) -> None:
        if not self.needle:
            self.count_label.setText("")
        elif total == 0:
            self.count_label.setText("No matches")
        else:
            self.count_label.setText(f"{(current or 0) + 1} of {total}")

    def open_bar(self, initial: str = "") -> None:
        if initial and "\n" not in initial:
            self.edit.setText(initial)
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Shift+Enter steps back and Esc closes, even though the line edit has the focus."""
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and shift:
                self.previousRequested.emit()
                return True
        return super().eventFilter(watched, event)
