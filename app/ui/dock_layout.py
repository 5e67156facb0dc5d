"""Where the main window's panels are: their starting proportions, the layout the researcher left (kept with the
window), the welcome page that hides them, and a workaround for dock tab bars Qt leaves behind."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

from app.ui import recent_projects as recent

LAYOUT_VERSION = 1


class PanelLayout:
    """The panels' layout of one main window. `docks` is the window's own dict of its docks by key."""

    def __init__(self, window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
        self.window = window
        self.docks = docks
        self._start = QByteArray()  # the layout the window was built with (Reset layout goes back to it)
        self._restored = False  # a saved layout was restored: it says how big the panels are
        self._sized = False
        self._shown_once = False
        self._welcome_hidden: list[QDockWidget] | None = None  # panels hidden while the welcome page shows

    def remember_start(self) -> None:
        self._start = self.window.saveState(LAYOUT_VERSION)

    def restore(self) -> None:
        settings = recent.settings()
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self._restored = self.window.restoreState(state, LAYOUT_VERSION)

    def save(self) -> None:
        settings = recent.settings()
        settings.setValue("window/geometry", self.window.saveGeometry())
        hidden = self._welcome_hidden or []
        for dock in hidden:  # save the layout the researcher works in, not the welcome page's
            dock.show()
        settings.setValue("window/state", self.window.saveState(LAYOUT_VERSION))
        for dock in hidden:
            dock.hide()

    def reset(self) -> None:
        self._welcome_hidden = None
        self.window.restoreState(self._start, LAYOUT_VERSION)
        self.size()
        for dock in self.docks.values():
            dock.setVisible(True)

    def size(self) -> None:
        size_docks(self.window)

    def first_shown(self) -> None:
        """The window shows for the first time: the starting proportions, unless a saved layout gave them."""
        if not self._shown_once:
            self._shown_once = True
            if not self._restored:
                self.size()
        QTimer.singleShot(0, self.hide_stray_tab_bars)

    def show_panels(self, shown: bool) -> bool:
        """Without a project the welcome page gets the whole window; the panels come back as they were. True
        when the panels have just been hidden for the welcome page.

        Docks are hidden and shown again rather than saved and restored with restoreState, which can leave
        stray tab bars behind in tabified dock areas."""
        if not shown and self._welcome_hidden is None:
            self._welcome_hidden = [dock for dock in self.docks.values() if not dock.isHidden()]
            for dock in self._welcome_hidden:
                dock.hide()
            return True
        if shown and self._welcome_hidden is not None:
            docks, self._welcome_hidden = self._welcome_hidden, None
            for dock in docks:
                dock.show()
            for key in ("codebook", "excerpts"):
                if self.docks[key] in docks:
                    self.docks[key].raise_()
            if not self._restored and not self._sized:
                # Sizes given while the welcome page hid the docks do not stick: size them when the first
                # project shows them (unless a saved layout says how the researcher likes them).
                self._sized = True
                QTimer.singleShot(0, self.size)  # once the shown docks are laid out
            QTimer.singleShot(0, self.hide_stray_tab_bars)
        return False

    def hide_stray_tab_bars(self) -> None:
        hide_stray_tab_bars(self.window, list(self.docks.values()))


def size_docks(window) -> None:
    """The starting proportions: narrow study tree, roomy text, a codebook wide enough for its counts."""
    docks = window.docks
    window.resizeDocks([docks["study"], docks["codebook"]], [290, 400], Qt.Orientation.Horizontal)
    # A third of the height for excerpts and search: a dozen excerpts or hits under a text that keeps the rest.
    window.resizeDocks([docks["excerpts"]], [max(220, window.height() // 3)], Qt.Orientation.Vertical)
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
