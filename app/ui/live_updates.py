"""The other coders' changes, live, in this window (a project on a team server).

`LiveUpdates` starts the project's watcher (app.services.live_changes) when a server project opens and stops it
when the project closes. The watcher calls back on its own thread; the Qt signal `received`, connected with a
queued connection, carries each remote `Change` to the GUI thread, where it is announced through the context's
`changed` signal exactly as a local change is (initiator REMOTE: no view started it, so every view updates
itself, incrementally). A project file has no watcher: nobody else writes to it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.services.changes import Change

# What the window says of the live connection (the status bar shows it for a server project).
NO_SERVER, CONNECTING, LIVE = "", "connecting", "live"
STATE_POLL_MS = 1000


class LiveUpdates(QObject):
    received = Signal(object)  # a remote Change, emitted on the listener's thread
    applied = Signal(object)  # the same Change, after the views heard it (GUI thread)
    stateChanged = Signal(str)  # NO_SERVER, CONNECTING (also while reconnecting) or LIVE

    def __init__(self, context) -> None:
        super().__init__(context)
        self.context = context
        self.watcher = None
        self.state = NO_SERVER
        self.received.connect(self._apply, Qt.ConnectionType.QueuedConnection)
        # The listener's thread knows whether LISTEN is in force; a cheap look once a second tells the user.
        self._state_poll = QTimer(self)
        self._state_poll.setInterval(STATE_POLL_MS)
        self._state_poll.timeout.connect(self.check_state)

    def follow(self, project) -> None:
        """Stop hearing the previous project; start hearing `project` when it is on a server."""
        self.stop()
        if project is not None and getattr(project, "is_server", False):
            self.watcher = project.watch(self.received.emit)
            self._set_state(CONNECTING)
            self._state_poll.start()

    def stop(self) -> None:
        self._state_poll.stop()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        self._set_state(NO_SERVER)

    def check_state(self) -> None:
        if self.watcher is not None:
            self._set_state(LIVE if self.watcher.listening else CONNECTING)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)

    def _apply(self, change: Change) -> None:
        if self.context.project is None or self.watcher is None:
            return  # it arrived after the project closed
        self.context.changed.emit(change)
        self.applied.emit(change)
