"""The proportions of the main window's panels, and a workaround for dock tab bars Qt leaves behind."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QTabBar


def size_docks(window) -> None:
    """The starting proportions: narrow study tree, roomy text, a codebook wide enough for its counts."""
    docks = window.docks
    window.resizeDocks([docks["study"], docks["codebook"]], [290, 400], Qt.Orientation.Horizontal)
    bottoms = [d for k, d in docks.items() if k in ("excerpts", "search")]
    if bottoms:
        # A third of the height: enough for a dozen excerpts or hits under a text that keeps the rest.
        window.resizeDocks(bottoms[:1], [max(220, window.height() // 3)], Qt.Orientation.Vertical)
    window.codebook.splitter.setSizes([max(200, window.height() // 2), 300])


def hide_stray_tab_bars(window: QMainWindow, docks: list) -> None:
    """Hide dock tab bars Qt left behind from tabifying before the window was shown (seen with Qt 6.11: an old
    bar stays visible in the middle of another panel). A live bar sits right under its docks."""
    shown = [d.geometry() for d in docks if not d.isHidden() and not d.isFloating()]
    if not shown:  # the welcome page: Qt shows the live bars again with their docks
        return
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if bar.isHidden():
            continue
        rect = bar.geometry()
        attached = any(
            abs(dock.bottom() + 1 - rect.top()) <= 3
            and dock.left() < rect.right()
            and rect.left() < dock.right()
            for dock in shown
        )
        if not attached:
            bar.hide()
