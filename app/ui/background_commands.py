"""Undoable actions too slow for the GUI thread: the action runs in the background, then joins the history.

Finishing edit mode on a long transcript, merging team copies, pseudonymising a study or importing a batch can
take seconds. `push_in_background` runs the command's action with a progress dialog (`tasks.run_in_background`)
as one `Project.action` (one transaction, one announcement after the commit), then pushes the command on the
GUI thread. A RapportError reaches `on_failure` and nothing is pushed, as with `AppContext.push`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.ui.commands import ProjectCommand
from app.ui.context import AppContext
from app.ui.tasks import Task, run_in_background


def push_in_background(
    context: AppContext,
    command: ProjectCommand,
    parent: QWidget | None,
    title: str,
    on_done: Callable[[ProjectCommand], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    initiator: object = None,
) -> Task:
    command.bind(context, initiator)

    def work(_progress, _cancelled) -> ProjectCommand:
        command.run_first()
        return command

    def done(_command: ProjectCommand) -> None:
        context.undo_stack.push(command)  # its first redo is skipped: the action has run
        if on_done is not None:
            on_done(command)

    return run_in_background(parent, title, work, done, on_failure)
