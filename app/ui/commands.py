"""Thin undo commands: redo and undo call services and nothing else (orange-canvas-core's pattern).

A service action that destroys data returns a snapshot; its undo hands that snapshot back to a restore
service, which re-creates the rows with their original ids, so later commands on the stack stay valid.
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

    def redo(self) -> None:
        self.result = self._do()

    def undo(self) -> None:
        self._undo(self.result)
