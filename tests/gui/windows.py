"""A main window as on a first start, for the GUI tests that drive the whole window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QSettings

from app.ui.context import AppContext
from app.ui.main_window import MainWindow


@contextmanager
def first_start_window(
    qtbot,
    qapp,
    *,
    ask_coder: Callable[[list[str], str | None], str | None] | None = None,
    size: tuple[int, int] | None = None,
    shown: bool = False,
) -> Iterator[MainWindow]:
    """A main window with no saved settings (no layout, no recent projects); when the block ends its history is
    cleared and its project closed. `ask_coder` answers "who is coding?" in place of the dialog."""
    qapp.setOrganizationName("Rapport")
    qapp.setApplicationName("Rapport")
    QSettings().clear()
    context = AppContext()
    window = MainWindow(context)
    if ask_coder is not None:
        window.ask_coder = ask_coder
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    if shown:
        window.show()
        qtbot.waitExposed(window)
    try:
        yield window
    finally:
        context.undo_stack.clear()
        context.set_project(None)
