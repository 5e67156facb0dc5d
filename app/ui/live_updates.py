"""The other coders' changes, live, in this window (a project on a team server).

`LiveUpdates` starts the project's watcher (app.services.live_changes) when a server project opens and stops it
when the project closes. The watcher calls back on its own thread; the Qt signal `received`, connected with a
queued connection, carries each remote `Change` to the GUI thread, where it is announced through the context's
`changed` signal exactly as a local change is (initiator REMOTE: no view started it, so every view updates
itself, incrementally). A project file has no watcher: nobody else writes to it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from app.services.changes import Change


class LiveUpdates(QObject):
    received = Signal(object)  # a remote Change, emitted on the listener's thread
    applied = Signal(object)  # the same Change, after the views heard it (GUI thread)

    def __init__(self, context) -> None:
        super().__init__(context)
        self.context = context
        self.watcher = None
        self.received.connect(self._apply, Qt.ConnectionType.QueuedConnection)

    def follow(self, project) -> None:
        """Stop hearing the previous project; start hearing `project` when it is on a server."""
        self.stop()
        if project is not None and getattr(project, "is_server", False):
            self.watcher = project.watch(self.received.emit)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def _apply(self, change: Change) -> None:
        if self.context.project is None or self.watcher is None:
            return  # it arrived after the project closed
        self.context.changed.emit(change)
        self.applied.emit(change)
