"""Keep a hidden view from recomputing on every project change: changes wait, merged, until it is shown.

A comparison takes tens of milliseconds; recomputing it behind a closed tab after every coding in the editor
would make coding feel sluggish for nothing. The view calls `offer(change)` from its `changed` handler and
`flush()` from its `showEvent`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.services.changes import Change


class DeferredChanges:
    def __init__(self, widget: QWidget, apply: Callable[[Change], None]) -> None:
        self._widget = widget
        self._apply = apply
        self.pending: Change | None = None

    def offer(self, change: Change) -> None:
        if self._widget.isVisible():
            self._apply(change)
        else:
            self.pending = change if self.pending is None else self.pending | change

    def flush(self) -> None:
        if self.pending is not None:
            change, self.pending = self.pending, None
            self._apply(change)
