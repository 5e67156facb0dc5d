"""The application's shared state for views: the open project, the undo stack, the active coder.

Services tell the project about every change (`Project.notify`); a user action (`push`, an undo, a redo) is
one `Project.action`, so the project announces one merged change per action, after its commit. This object turns
that into the Qt signal `changed`, delivered on the GUI thread even when the change happened in a worker. Views
listen and decide themselves what to refresh (see `views/deferred_changes.py`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.services.changes import EVERYTHING, Change
from app.services.project import Project
from app.ui.commands import ProjectCommand
from app.ui.live_updates import LiveUpdates
from app.ui.recent_projects import remember_blind, remembered_blind

NOBODY = -1  # the coder id views filter by in blind mode before anyone is chosen: no coder has it


class AppContext(QObject):
    changed = Signal(object)  # a services.changes.Change
    projectChanged = Signal(object)  # the new Project, or None when closed
    activeCoderChanged = Signal(object)  # coder id or None
    documentRequested = Signal(int, int, int)  # document id, start, end (code points): "show me this"
    # document id, [(start, end), ...] search matches in it, index of the one to select: "highlight these"
    matchesRequested = Signal(int, object, int)
    # a memo target ("project", "dyad", "code", ...) and its id (None for the project): "show these memos"
    memosRequested = Signal(str, object)
    codersShownRequested = Signal(object)  # a set of coder ids: "show these coders' codings in the editor"
    failed = Signal(object)  # an exception raised by an undo or redo (the main window shows it)
    undoCleared = Signal(str)  # the undo history was cleared, and why (the status bar says it)
    blindChanged = Signal(bool)  # blind coding on/off: views show only the active coder's codings

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.undo_stack = QUndoStack(self)
        self.active_coder_id: int | None = None
        self.blind = False
        self.live = LiveUpdates(self)  # on a team server: the other coders' changes, as they commit them

    def set_project(self, project: Project | None) -> None:
        self.live.follow(None)
        if self.project is not None:
            self.project.unsubscribe(self._on_change)
            self.project.close()
        self.undo_stack.clear()
        self.project = project
        self.active_coder_id = None
        if project is not None:
            project.subscribe(self._on_change)
            self.live.follow(project)
        self.set_blind(project is not None and remembered_blind(project.project_id), remember=False)
        self.projectChanged.emit(project)
        self.changed.emit(EVERYTHING)

    def set_active_coder(self, coder_id: int | None) -> None:
        if coder_id != self.active_coder_id:
            self.active_coder_id = coder_id
            self.activeCoderChanged.emit(coder_id)

    def set_blind(self, on: bool, *, remember: bool = True) -> None:
        """Blind coding: every view shows only the active coder's codings, so coders cannot see each other's
        work until consensus. Remembered per project on this machine."""
        if remember and self.project is not None:
            remember_blind(self.project.project_id, on)
        if on != self.blind:
            self.blind = on
            self.blindChanged.emit(on)

    def shown_coder(self) -> int | None:
        """The only coder whose codings views may show (blind mode), or None when everyone's may be shown.

        Blind mode before a coder is chosen shows nobody's: NOBODY is an id no coder has."""
        if not self.blind:
            return None
        return self.active_coder_id if self.active_coder_id is not None else NOBODY

    def shown_coders(self) -> list[int] | None:
        """`shown_coder` for services taking a list of coders: None (everyone), [mine], or [] (nobody)."""
        coder = self.shown_coder()
        return None if coder is None else ([] if coder == NOBODY else [coder])

    def push(self, command: QUndoCommand, initiator: object = None) -> None:
        """Run a user action and keep it for undo; `initiator` is the view that asked (it comes back in the
        change the action announces).

        A ProjectCommand runs before it is pushed, so a RapportError reaches the caller (to show it) and a
        failed action never lands on the undo stack. Failures of later undo/redo go to `failed`.
        """
        if isinstance(command, ProjectCommand):
            command.bind(self, initiator)
            command.run_first()
        self.undo_stack.push(command)

    def undo_failed(self) -> None:
        """After a failed undo or redo (rolled back, and reported): the history no longer matches the project."""
        self.clear_undo("An undo or redo failed and changed nothing; the undo history was cleared.")

    def clear_undo(self, reason: str) -> None:
        """Forget the undo history (e.g. after an import that cannot be undone), saying why."""
        self.undo_stack.clear()
        self.undoCleared.emit(reason)

    def _on_change(self, change: Change) -> None:
        self.changed.emit(change)
