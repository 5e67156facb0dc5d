"""One undo model for every user write: thin commands whose actions call services and nothing else.

`ProjectCommand` is the base. `AppContext.push` runs the action *before* the command goes on the stack: a
`RapportError` (a read-only project, a range outside the text) reaches the caller and nothing is pushed. (An
exception raised inside `QUndoStack.push` would be swallowed by Qt and the failed command left on the stack.)

Every run, undo and redo is one `Project.action`: its service calls share one transaction, and the views hear
one merged change after the commit, carrying the initiator (the view that asked, so it can skip work it did).

A failed undo or redo rolls its transaction back, so the project is as it was before the attempt. The command
is reported (`on_error`, the main window shows it) and the stack is cleared, since the commands around the failed
one no longer describe the project; the status bar says so.

Each command keeps `change`: what its last run, undo or redo changed, as its one action announced it (the
merged `Change` of `Project.action`, with the initiator), so a caller can act on exactly that.

A destructive service call returns a snapshot; the undo hands it to a restore service, which re-creates the rows
with their original ids, so later commands on the stack stay valid (orange-canvas-core's thin commands).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand

from app.services.changes import Change


class ProjectCommand(QUndoCommand):
    """Subclasses implement `perform()` (the action, run once before the push), `revert()` and, when a redo is
    not the same as the first run, `again()`."""

    def __init__(self, text: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.context: Any = None  # the AppContext that pushed it
        self.initiator: object = None
        self.on_error: Callable[[BaseException], None] | None = None
        self.change: Change | None = None  # what the last run, undo or redo changed (None: not run yet)
        self._skip_first_redo = False

    # -- what subclasses implement --------------------------------------------------------------------
    def perform(self) -> None:
        raise NotImplementedError

    def again(self) -> None:
        self.perform()

    def revert(self) -> None:
        raise NotImplementedError

    # -- what the stack and the context call ------------------------------------------------------------
    def bind(self, context: Any, initiator: object = None) -> None:
        self.context, self.initiator = context, initiator
        self.on_error = context.failed.emit

    def run_first(self) -> None:
        """Perform the action before the command is pushed; exceptions reach the caller."""
        self._run(self.perform, self.initiator)
        self._skip_first_redo = True

    def redo(self) -> None:
        if self._skip_first_redo:  # QUndoStack.push calls redo(): the action has already run
            self._skip_first_redo = False
            return
        self._guard(self.again)

    def undo(self) -> None:
        self._guard(self.revert)

    def _run(self, work: Callable[[], None], initiator: object = None) -> None:
        """One Project.action (run again when a server rolled it back for a deadlock with another coder's); the
        command keeps the Change that action announced."""
        project = getattr(self.context, "project", None)
        if project is None:
            work()
            self.change = Change()
            return

        def tracked():
            with project.action(initiator) as state:  # joins the action run_action opened: its state
                work()
            return state

        state = project.run_action(tracked, initiator)
        self.change = state.change.with_initiator(initiator)

    def _guard(self, action: Callable[[], None]) -> None:
        # Qt calls redo/undo from C++: an exception must not vanish there. Report it instead.
        # An undo or redo is started by the history, not by the view that ran the action: no initiator, so
        # that view updates itself from the change like every other.
        try:
            self._run(action)
        except Exception as exc:
            self.setObsolete(True)  # QUndoStack drops it; the others are cleared just after
            if self.context is not None:
                QTimer.singleShot(0, self.context.undo_failed)
            if self.on_error is None:
                raise
            self.on_error(exc)


class ServiceCommand(ProjectCommand):
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

    def perform(self) -> None:
        self.result = self._do()

    def revert(self) -> None:
        self._undo(self.result)
