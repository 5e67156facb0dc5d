"""Finding, going to a time and zooming in the transcript editor: reading aids kept apart from coding.

A mixin of `TranscriptEditor`: it uses the editor's `view`, `positions`, `document`, `find_bar`, `options`,
`select_range` and match state, and adds nothing else to it.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QInputDialog

from app.ui.views.editor_support import match_selections, nearest_turn, parse_time


class NavigationMixin:
    def zoom(self, step: int) -> None:
        if step == 0:
            self.view.zoomOut(self.options.zoom)
            self.options.zoom = 0
        elif -6 <= self.options.zoom + step <= 12:
            self.view.zoomIn(step)
            self.options.zoom += step
        self.view.update_stripe_margin()

    # -- find and go to ------------------------------------------------------------------------------------
    def open_find(self) -> None:
        cursor = self.view.textCursor()
        self.find_bar.open_bar(cursor.selectedText() if cursor.hasSelection() else "")
        self._run_find()

    def _run_find(self) -> None:
        self._matches = self.find_bar.matches_in(self.view.stored_text())
        self._match = 0
        if self._matches:
            here = self.positions.to_rapport(self.view.textCursor().selectionStart())
            self._match = next((i for i, (s, _e) in enumerate(self._matches) if s >= here), 0)
        self._paint_matches()
        if self._matches:
            self.select_range(*self._matches[self._match])

    def find_step(self, step: int) -> None:
        if not self._matches:
            return
        self._match = (self._match + step) % len(self._matches)
        self._paint_matches()
        self.select_range(*self._matches[self._match])

    def show_matches(self, matches: list[tuple[int, int]], current: int = 0) -> None:
        """Paint matches found elsewhere (a search) like find results and select the current one; F3 and
        Shift+F3 step through them until the next find or another document."""
        self._matches = [(s, e) for s, e in matches if 0 <= s <= e <= len(self.view.stored_text())]
        if not self._matches:
            return
        self._match = min(max(current, 0), len(self._matches) - 1)
        self._paint_matches()
        self.select_range(*self._matches[self._match])

    def _paint_matches(self) -> None:
        self.view.setExtraSelections(
            match_selections(self.view.document(), self.positions, self._matches, self._match)
        )
        self.find_bar.show_count(self._match, len(self._matches))

    def _close_find(self) -> None:
        self._matches = []
        self.view.setExtraSelections([])
        self.view.setFocus()

    def ask_go_to_time(self) -> None:
        text, ok = QInputDialog.getText(
            self, "Go to time", "Time (h:mm:ss) or video reference ([video 00:12:31]):"
        )
        if ok and text.strip():
            self.go_to_time(text)

    def go_to_time(self, text: str) -> bool:
        """Move to the turn nearest a time; `[video …]` or `video …` matches recall references instead."""
        if self.document is None:
            return False
        milliseconds = parse_time(text)
        if milliseconds is None:
            return False
        video = bool(re.search(r"\bvid", text, re.IGNORECASE))
        turn = nearest_turn(self.document.turns, milliseconds, video=video)
        if turn is None:
            return False
        self.select_range(turn.start, turn.start)
        return True
