"""The docks and tool windows the main window hosts, imported when first shown to keep start-up light.

An import error in one of them is a bug and is raised, never hidden behind a missing menu entry.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.ui.context import AppContext

# name -> (module, class, window title, default size)
WINDOWS = {
    "compare": ("app.ui.views.compare_view", "CompareView", "Compare perspectives", (1100, 720)),
    "timeline": ("app.ui.views.timeline_view", "TimelineView", "Session timeline", (1100, 520)),
    "groups": ("app.ui.views.groups_view", "GroupsView", "Themes by group", (1000, 680)),
    "cqr": ("app.ui.views.cqr_workbench", "CqrWorkbench", "CQR workbench", (1200, 760)),
    "agreement": (
        "app.ui.dialogs.agreement_window",
        "AgreementWindow",
        "Agreement between coders",
        (1100, 720),
    ),
}
DOCKS = {
    "search": ("app.ui.views.search_panel", "SearchPanel"),
    "excerpts": ("app.ui.views.excerpts_view", "ExcerptsView"),
    "memos": ("app.ui.views.memo_panel", "MemoPanel"),
}


def load_class(module: str, name: str) -> type:
    return getattr(importlib.import_module(module), name)


class ToolWindows:
    """Compare, timeline, groups and agreement open as separate windows (a second screen helps), one each."""

    def __init__(self, context: AppContext, owner: QWidget) -> None:
        self.context = context
        self.owner = owner
        self.windows: dict[str, QWidget] = {}

    def show(self, kind: str) -> QWidget | None:
        window = self.windows.get(kind)
        if window is None:
            module, name, title, (width, height) = WINDOWS[kind]
            window = load_class(module, name)(self.context, self.owner)
            window.setWindowFlag(Qt.WindowType.Window, True)
            window.setWindowTitle(f"{title} — Rapport")
            window.resize(width, height)
            self.windows[kind] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def close_all(self) -> None:
        for window in self.windows.values():
            window.close()
