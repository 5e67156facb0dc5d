"""Whose codings the transcript editor shows (the coder filter and its box) and its reading options.

`ShownCoders` owns the coder filter and the header's coder box; blind coding overrides it. It tells the editor
through `reload_codings` when the coders shown change. `ReadingOptions` switches snapping to words and highlighting.
"""

from __future__ import annotations

import weakref

from PySide6.QtWidgets import QComboBox

from app.ui.context import AppContext
from app.ui.views.editor_support import CoderFilter

ROWS = {"mine": 0, "all": 1, "chosen": 2}


class ShownCoders:
    """The coder box ("My codings", "All coders", "Chosen coders…") and the filter it sets."""

    def __init__(self, context: AppContext, box: QComboBox, editor) -> None:
        self.context = context
        self.box = box
        self._editor = weakref.ref(editor)  # the editor owns this object: no reference cycle
        self.filter = CoderFilter()
        box.activated.connect(self.on_row)

    @property
    def editor(self):
        return self._editor()

    def on_row(self, row: int) -> None:
        if row == 2:
            chosen = self.editor.choose_coders()
            if chosen is None:
                self.box.setCurrentIndex(ROWS.get(self.filter.mode, 2))
                return
            self.set_filter("chosen", chosen)
        else:
            self.set_filter("mine" if row == 0 else "all")

    def set_filter(self, mode: str, coders: set[int] | None = None) -> None:
        self.filter = CoderFilter(mode, frozenset(coders or ()))
        self.box.setCurrentIndex(ROWS[mode])
        self.editor.reload_codings()

    def shown(self) -> CoderFilter:
        """Blind coding overrides the coder choice: only the active coder's codings are shown."""
        shown = self.context.shown_coder()
        return CoderFilter("chosen", frozenset({shown})) if shown is not None else self.filter

    def on_blind(self, on: bool) -> None:
        self.box.setEnabled(not on)
        self.box.setCurrentIndex(0 if on else ROWS[self.filter.mode])
        self.editor.reload_codings()


class ReadingOptions:
    """Snap selections to whole words; highlight coded text (the editor's `repaint_codings` redraws)."""

    def __init__(self, editor) -> None:
        self._editor = weakref.ref(editor)  # the editor owns this object: no reference cycle
        self.options = editor.options

    @property
    def editor(self):
        return self._editor()

    def set_snap(self, on: bool) -> None:
        self.options.snap_to_words = on

    def set_highlight(self, on: bool) -> None:
        self.options.highlight = on
        self.editor.repaint_codings()
