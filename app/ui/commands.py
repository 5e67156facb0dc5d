"""Thin undo commands: redo and undo call services and nothing else (orange-canvas-core's pattern).

A service action that destroys data returns a snapshot; its undo hands that snapshot back to a restore
service, which re-creates the rows with their original ids, so later commands on the stack stay valid.

Push commands with `AppContext.push`: it runs the action first, so an error the user caused (a RapportError)
propagates to the caller and nothing is put on the undo stack. (An exception raised inside QUndoStack.push
would be swallowed by Qt and the failed command left on the stack.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand


class ServiceCommand(QUndoCommand):
    """`do()` performs the action and returns what `undo(result)` needs to reverse it exactly."""

    def __init__(
        self,
        text: str,
        do: Callable[[], Any],
        undo: Callable[[Any], None],
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(text, parent)
        self._do = do
        self._undo = undo
        self.result: Any = None
        self._already_done = False
        self.on_error: Callable[[BaseException], None] | None = None

    def run_first(self) -> None:
        """Perform the action before the command is pushed; exceptions reach the caller."""
        self.result = self._do()
        self._already_done = True

    def redo(self) -> None:
        if self._already_done:  # QUndoStack.push calls redo(): the action has already run
            self._already_done = False
            return
        self._guard(lambda: setattr(self, "result", self._do()))

    def undo(self) -> None:
        self._guard(lambda: self._undo(self.result))

    def _guard(self, action: Callable[[], None]) -> None:
        # Qt calls redo/undo from C++: an exception must not vanish there. Report it instead.
        try:
            action()
        except Exception as exc:
            self.setObsolete(True)
            if self.on_error is None:
                raise
            self.on_error(exc)
