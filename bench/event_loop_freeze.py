"""The longest freeze of the event loop around an action, measured with a 5 ms QTimer heartbeat.

What a researcher feels is not how long an action takes but how long the window stops answering. The
heartbeat records when the event loop gets to run a 5 ms timer; the action is started from inside the running
loop, which then keeps running for a settling time (queued signals, background results arriving). The longest
gap between two beats is the longest freeze.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable

HEARTBEAT_MS = 5


def longest_freeze_ms(
    action: Callable[[], object], settle_ms: int = 800, until: Callable[[], bool] | None = None
) -> float:
    """`until`: the loop keeps running after the settling time until it is true (e.g. a view's background
    load has arrived and been shown), at most a minute, so that work is measured too."""
    return freeze_and_gui_cpu_ms(action, settle_ms, until)[0]


def freeze_and_gui_cpu_ms(
    action: Callable[[], object], settle_ms: int = 800, until: Callable[[], bool] | None = None
) -> tuple[float, float]:
    """The longest freeze, and the CPU time the GUI thread spent from the action until the loop settled
    (minus what the idle heartbeat itself costs, measured over as long a time just before). On a machine
    shared with other work a freeze stretches with the load; the GUI thread's CPU time hardly does, so it is
    the steadier figure to compare runs with."""
    idle = _idle_cpu_ms(settle_ms)
    started_cpu = time.thread_time()
    freeze, elapsed = _freeze(action, settle_ms, until)
    busy = (time.thread_time() - started_cpu) * 1000 - idle * elapsed / max(settle_ms, 1)
    return freeze, round(max(busy, 0.0), 1)


def _idle_cpu_ms(settle_ms: int) -> float:
    started = time.thread_time()
    _freeze(lambda: None, settle_ms, None)
    return (time.thread_time() - started) * 1000


def _freeze(
    action: Callable[[], object], settle_ms: int, until: Callable[[], bool] | None
) -> tuple[float, float]:
    """(longest gap between heartbeats in ms, how long the loop ran in ms)."""
    from PySide6.QtCore import QEventLoop, QTimer

    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    loop = QEventLoop()
    heartbeat.start()
    QTimer.singleShot(3 * HEARTBEAT_MS, action)
    deadline = time.perf_counter() + 60

    def quit_when_done() -> None:
        if until is None or until() or time.perf_counter() > deadline:
            loop.quit()
        else:
            QTimer.singleShot(HEARTBEAT_MS, quit_when_done)

    QTimer.singleShot(3 * HEARTBEAT_MS + settle_ms, quit_when_done)
    started = time.perf_counter()
    loop.exec()
    heartbeat.stop()
    marks = [started, *beats, time.perf_counter()]
    freeze = round(max(b - a for a, b in itertools.pairwise(marks)) * 1000, 1)
    return freeze, (marks[-1] - started) * 1000


def shown_plain_editor():
    """A plain QPlainTextEdit of 1000 x 800, shown and settled: the yardstick's widget."""
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    plain = QPlainTextEdit()
    plain.resize(1000, 800)
    plain.show()
    QApplication.processEvents()
    return plain


def load_plain(plain, text: str) -> None:
    """The yardstick's work: the text set and painted once."""
    plain.setPlainText(text)
    plain.viewport().repaint()


def plain_reference_ms(text: str) -> float:
    """The freeze of a plain QPlainTextEdit.setPlainText + paint of `text`: the yardstick for ratios."""
    plain = shown_plain_editor()
    freeze = longest_freeze_ms(lambda: load_plain(plain, text), settle_ms=200)
    plain.close()
    return freeze


def plain_reference_cpu_ms(text: str) -> float:
    """The GUI thread's CPU time for a plain QPlainTextEdit.setPlainText + paint of `text` (median of three)."""
    times = []
    for _ in range(3):
        plain = shown_plain_editor()
        started = time.thread_time()
        load_plain(plain, text)
        times.append((time.thread_time() - started) * 1000)
        plain.close()
    return round(sorted(times)[1], 1)


def bench_application():
    """The QApplication of a window benchmark, with settings of its own (cleared) so no user layout leaks in."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("RapportBench")
    app.setApplicationName("RapportBench")
    QSettings().clear()
    return app
