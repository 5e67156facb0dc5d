"""Recompute a visible view's data off the GUI thread after a change; only the latest request is shown.

A comparison or a session timeline takes tens to hundreds of milliseconds on a real study. Recomputing it on
the GUI thread after each coding would freeze the editor the researcher is typing in. `request(work, show)`
runs `work()` on Qt's thread pool (each service call opens its own session) and calls `show(result)` on the GUI
thread, unless a newer request was made meanwhile (its result would be stale). No progress dialog: the view
keeps showing the previous result until the new one arrives, a few hundred milliseconds later at most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(int, bool, object)  # generation, ok, result or exception


class _Runner(QRunnable):
    def __init__(self, generation: int, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._generation, self._work, self._relay = generation, work, relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # every outcome must reach the GUI thread
            self._relay.done.emit(self._generation, False, exc)
        else:
            self._relay.done.emit(self._generation, True, result)


class BackgroundRefresh(QObject):
    """`busy` is true from a request until its result (or a newer one's) is shown."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._generation = 0
        self._handlers: tuple[Callable[[Any], None], Callable[[BaseException], None]] | None = None
        self._relay = _Relay()
        self._relay.done.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self.busy = False

    def request(
        self, work: Callable[[], Any], show: Callable[[Any], None], fail: Callable[[BaseException], None]
    ) -> None:
        self._generation += 1
        self._handlers = (show, fail)
        self.busy = True
        QThreadPool.globalInstance().start(_Runner(self._generation, work, self._relay))

    def cancel(self) -> None:
        """Forget the request under way (e.g. the view recomputed synchronously for another reason)."""
        self._generation += 1
        self.busy = False

    def _finish(self, generation: int, ok: bool, value: object) -> None:
        if generation != self._generation or self._handlers is None:
            return  # a newer request is under way, or this one was cancelled
        self.busy = False
        show, fail = self._handlers
        if ok:
            show(value)
        else:
            assert isinstance(value, BaseException)
            fail(value)
