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
    return round(max(b - a for a, b in itertools.pairwise(marks)) * 1000, 1)


def plain_reference_ms(text: str) -> float:
    """The freeze of a plain QPlainTextEdit.setPlainText + paint of `text`: the yardstick for ratios."""
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    plain = QPlainTextEdit()
    plain.resize(1000, 800)
    plain.show()
    QApplication.processEvents()

    def load() -> None:
        plain.setPlainText(text)
        plain.viewport().repaint()

    freeze = longest_freeze_ms(load, settle_ms=200)
    plain.close()
    return freeze


def bench_application():
    """The QApplication of a window benchmark, with settings of its own (cleared) so no user layout leaks in."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("RapportBench")
    app.setApplicationName("RapportBench")
    QSettings().clear()
    return app
