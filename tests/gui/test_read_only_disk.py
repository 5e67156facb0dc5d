"""A project on a read-only disk opens read-only in the window, which says why (not "damaged", not "in use")."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.services.project import create_project
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from tests.hostile.conftest import SmallDisk, small_disk  # noqa: F401 - the fixture


def test_the_window_opens_a_read_only_disk_read_only_and_says_why(
    qtbot, qapp, small_disk: SmallDisk  # noqa: F811 - the fixture
) -> None:
    path = small_disk.path / "study.rapport"
    create_project(path).close()
    small_disk.make_read_only()
    QSettings().clear()
    context = AppContext()
    window = MainWindow(context)
    window.ask_coder = lambda names, current: None
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        assert window.open_path(path)
        assert context.project is not None and context.project.read_only
        assert window.statusBar().currentMessage() == "Opened read-only: it is on a read-only disk or folder"
    finally:
        context.undo_stack.clear()
        context.set_project(None)
