"""Whose codings the transcript editor shows, and its reading options (snap to words, highlighting).

A mixin of `TranscriptEditor`: it uses the editor's `context`, `options`, `coder_box`, `coder_filter`,
`highlighter`, `_coders`, `_reload_codings`, `_painted_index` and `paint_visible`.
"""

from __future__ import annotations

from app.ui.views.editor_support import CoderFilter, ask_coders


class ShownCodersMixin:
    def _set_snap(self, on: bool) -> None:
        self.options.snap_to_words = on

    def _set_highlight(self, on: bool) -> None:
        self.options.highlight = on
        self.highlighter.set_index(self._painted_index())
        self.highlighter.forget_painting()
        self.paint_visible()

    def _on_coder_mode(self, row: int) -> None:
        if row == 2:
            chosen = self.choose_coders()
            if chosen is None:
                self.coder_box.setCurrentIndex({"mine": 0, "all": 1}.get(self.coder_filter.mode, 2))
                return
            self.set_coder_filter("chosen", chosen)
        else:
            self.set_coder_filter("mine" if row == 0 else "all")

    def set_coder_filter(self, mode: str, coders: set[int] | None = None) -> None:
        self.coder_filter = CoderFilter(mode, frozenset(coders or ()))
        self.coder_box.setCurrentIndex({"mine": 0, "all": 1, "chosen": 2}[mode])
        self._reload_codings()

    def _shown_filter(self) -> CoderFilter:
        """Blind coding overrides the coder choice: only the active coder's codings are shown."""
        shown = self.context.shown_coder()
        return CoderFilter("chosen", frozenset({shown})) if shown is not None else self.coder_filter

    def _on_blind(self, on: bool) -> None:
        self.coder_box.setEnabled(not on)
        self.coder_box.setCurrentIndex(
            0 if on else {"mine": 0, "all": 1, "chosen": 2}[self.coder_filter.mode]
        )
        self._reload_codings()

    def choose_coders(self) -> set[int] | None:
        """Overridable in tests: ask which coders to show."""
        return ask_coders(self, self._coders, self.coder_filter.coders)
