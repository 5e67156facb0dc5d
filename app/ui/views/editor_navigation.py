"""Finding, going to a time and zooming in the transcript editor: reading aids kept apart from coding.

`DocumentNavigator` owns the find matches and the zoom step. It works through the editor's public parts only:
its `view`, `find_bar`, `positions`, `document`, `options` and `select_range`.
"""

from __future__ import annotations

import re
import weakref

from PySide6.QtWidgets import QInputDialog

from app.ui.views.editor_support import match_selections, nearest_turn, parse_time


class DocumentNavigator:
    """Find in the document (and search matches shown from elsewhere), go to a time, zoom."""

    def __init__(self, editor) -> None:
        self._editor = weakref.ref(editor)  # the editor owns this object: no reference cycle
        self.matches: list[tuple[int, int]] = []
        self.current = 0

    @property
    def editor(self):
        return self._editor()

    def zoom(self, step: int) -> None:
        view, options = self.editor.view, self.editor.options
        if step == 0:
            view.zoomOut(options.zoom)
            options.zoom = 0
        elif -6 <= options.zoom + step <= 12:
            view.zoomIn(step)
            options.zoom += step
        view.update_stripe_margin()

    # -- find and go to ------------------------------------------------------------------------------------
    def open_find(self) -> None:
        cursor = self.editor.view.textCursor()
        self.editor.find_bar.open_bar(cursor.selectedText() if cursor.hasSelection() else "")
        self.run_find()

    def run_find(self) -> None:
        view = self.editor.view
        self.matches = self.editor.find_bar.matches_in(view.stored_text())
        self.current = 0
        if self.matches:
            here = self.editor.positions.to_rapport(view.textCursor().selectionStart())
            self.current = next((i for i, (s, _e) in enumerate(self.matches) if s >= here), 0)
        self._paint()
        if self.matches:
            self.editor.select_range(*self.matches[self.current])

    def document_loaded(self) -> None:
        """A new document: old matches are gone; an open find bar searches the new text."""
        self.matches = []
        if self.editor.find_bar.isVisible():
            self.run_find()

    def step(self, step: int) -> None:
        if not self.matches:
            return
        self.current = (self.current + step) % len(self.matches)
        self._paint()
        self.editor.select_range(*self.matches[self.current])

    def show_matches(self, matches: list[tuple[int, int]], current: int = 0) -> None:
        """Paint matches found elsewhere (a search) like find results and select the current one; F3 and
        Shift+F3 step through them until the next find or another document."""
        length = len(self.editor.view.stored_text())
        self.matches = [(s, e) for s, e in matches if 0 <= s <= e <= length]
        if not self.matches:
            return
        self.current = min(max(current, 0), len(self.matches) - 1)
        self._paint()
        self.editor.select_range(*self.matches[self.current])

    def _paint(self) -> None:
        view = self.editor.view
        view.setExtraSelections(
            match_selections(view.document(), self.editor.positions, self.matches, self.current)
        )
        self.editor.find_bar.show_count(self.current, len(self.matches))

    def close_find(self) -> None:
        self.matches = []
        self.editor.view.setExtraSelections([])
        self.editor.view.setFocus()

    def ask_go_to_time(self) -> None:
        text, ok = QInputDialog.getText(
            self.editor, "Go to time", "Time (h:mm:ss) or video reference ([video 00:12:31]):"
        )
        if ok and text.strip():
            self.go_to_time(text)

    def go_to_time(self, text: str) -> bool:
        """Move to the turn nearest a time; `[video …]` or `video …` matches recall references instead."""
        document = self.editor.document
        if document is None:
            return False
        milliseconds = parse_time(text)
        if milliseconds is None:
            return False
        video = bool(re.search(r"\bvid", text, re.IGNORECASE))
        turn = nearest_turn(document.turns, milliseconds, video=video)
        if turn is None:
            return False
        self.editor.select_range(turn.start, turn.start)
        return True
