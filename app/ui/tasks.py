"""Slow service calls run on a worker thread while the window stays responsive.

`run_in_background` starts `work(progress, cancelled)` on Qt's global thread pool and shows a progress dialog
with Cancel. The worker never touches widgets: it reports progress and its outcome through signals that Qt
queues to the GUI thread, where `on_success` / `on_failure` run. Cancel only sets a flag; services poll
`cancelled()` and raise OperationCancelled, rolling their transaction back.

SQLite connections are never shared across threads: every service call opens its own short session
(`Project.write()` / `.read()`), and SQLAlchemy's pool hands each checkout to one thread at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.ui.dialogs.crash_dialog import report_error

SHOW_AFTER_MS = 500  # a task still running after this shows its progress dialog
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

# Tasks still running, kept alive until they finish (the caller may drop its reference).
running: set[Task] = set()


class _Relay(QObject):
    """Created on the GUI thread; its signals are emitted from the worker and queued to the GUI thread."""

    progressed = Signal(int, int, str)
    done = Signal(bool, object)  # ok, result or exception


class _Runner(QRunnable):
    def __init__(self, work: Callable[[Progress, Cancelled], Any], relay: _Relay, cancel: threading.Event):
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay
        self._cancel = cancel

    def run(self) -> None:
        try:
            result = self._work(self._relay.progressed.emit, self._cancel.is_set)
        except BaseException as exc:  # every outcome must reach the GUI thread, bugs included
            self._relay.done.emit(False, exc)
        else:
            self._relay.done.emit(True, result)


class Task(QObject):
    """One background job. `finished(ok)` fires on the GUI thread after the success or failure handler ran."""

    finished = Signal(bool)

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self._parent_widget = parent
        self._on_success = on_success
        self._on_failure = on_failure
        self._cancel = threading.Event()
        self.relay = _Relay()
        self.relay.progressed.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.relay.done.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)  # quick jobs finish without a flashing dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        # Feedback within half a second even when the work reports no progress (QProgressDialog's own delay
        # only starts at the first report).
        QTimer.singleShot(SHOW_AFTER_MS, self._show_if_running)

    def _show_if_running(self) -> None:
        if not self.done:
            self.dialog.show()

    def cancel(self) -> None:
        self._cancel.set()
        self.dialog.setLabelText(f"{self.title}: cancelling…")

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int, message: str) -> None:
        if self.done:
            return
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)
        if message and not self._cancel.is_set():
            self.dialog.setLabelText(message)

    def _finish(self, ok: bool, value: object) -> None:
        self.done = True
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        running.discard(self)
        try:
            if ok:
                self.result = value
                self._on_success(value)
            else:
                assert isinstance(value, BaseException)
                self.error = value
                if self._on_failure is not None:
                    self._on_failure(value)
                else:
                    report_error(self._parent_widget, value, self.title)
        finally:
            self.finished.emit(ok)


def run_in_background(
    parent: QWidget | None,
    title: str,
    work: Callable[[Progress, Cancelled], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None] | None = None,
) -> Task:
    """Run `work(progress, cancelled)` off the GUI thread; handlers run on the GUI thread.

    Without `on_failure`, a RapportError is shown as a plain message, OperationCancelled quietly, and anything
    else as the crash report.
    """
    task = Task(parent, title, on_success, on_failure)
    running.add(task)
    runner = _Runner(work, task.relay, task._cancel)
    # Start on the next turn of the event loop, so a caller can connect to `finished` first.
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(runner))
    return task
