"""Widgets other engineers build, loaded only when their module is there and imports cleanly.

The shell must keep working while a view is being written (or if one of them breaks at import): a missing view
means a missing menu entry or dock, never a window that fails to open.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.ui.context import AppContext

log = logging.getLogger(__name__)

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


def load_class(module: str, name: str) -> type | None:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        log.warning("%s.%s is not available: %s", module, name, error)
        return None


def available(kind: str) -> bool:
    module = WINDOWS[kind][0] if kind in WINDOWS else DOCKS[kind][0]
    return importlib.util.find_spec(module) is not None


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
            cls = load_class(module, name)
            if cls is None:
                return None
            window = cls(self.context, self.owner)
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
