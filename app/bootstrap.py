"""The one place that wires the application together: QApplication, settings names, style, the crash hook,
the AppContext and the MainWindow, and what `rapport`, `rapport PATH` and `rapport --demo` open.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from types import TracebackType

from app import APP_NAME, ORG_NAME, __version__
from app.paths import resources_dir


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="rapport", description="Rapport: qualitative coding of transcripts")
    parser.add_argument("project", nargs="?", help="a .rapport project to open")
    parser.add_argument("--demo", action="store_true", help="open a fresh copy of the demo study")
    # Qt's own options (-platform, -style...) pass through to QApplication
    known, _qt_options = parser.parse_known_args(argv)
    return known


def make_application(argv: list[str]):
    """The QApplication with names for QSettings, the window icon and the stylesheet."""
    from PySide6.QtWidgets import QApplication

    from app.ui.icons import app_icon

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "rapport", *argv])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("rapport")
    app.setWindowIcon(app_icon())
    style = resources_dir() / "style.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def install_exception_hook(window_for_dialogs) -> None:
    """An exception escaping a slot shows a dialog instead of killing the process.

    A RapportError gets a plain message; anything else the crash report. Every action is one transaction, so
    the project on disk is as it was before the action that failed.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, error, trace)
            return
        from app.ui.dialogs.crash_dialog import report_error

        error.__traceback__ = trace
        sys.stderr.write(f"rapport: {kind.__name__}: {error}\n")
        report_error(window_for_dialogs(), error)

    sys.excepthook = hook


def build_window(argv: list[str]):
    """QApplication, context and main window, with the project the arguments ask for opened (or scheduled)."""
    from PySide6.QtCore import QTimer

    from app.ui.context import AppContext
    from app.ui.heap import keep_collections_short
    from app.ui.main_window import MainWindow
    from app.ui.recent_projects import last_project

    arguments = parse_arguments(argv)
    app = make_application(argv)
    context = AppContext(app)
    window = MainWindow(context)
    install_exception_hook(lambda: window)
    keep_collections_short(context)
    if arguments.demo:
        QTimer.singleShot(0, window.open_demo)
    elif arguments.project:
        path = Path(arguments.project)
        QTimer.singleShot(0, lambda: window.open_path(path))
    else:
        last = last_project()
        if last is not None:
            QTimer.singleShot(0, lambda: window.open_path(last))
    return app, context, window


def run_gui(argv: list[str]) -> int:
    app, _context, window = build_window(argv)
    window.show()
    quit_after = os.environ.get("RAPPORT_QUIT_AFTER_MS")  # smoke tests of a frozen build open, then close
    if quit_after and quit_after.isdigit():
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(quit_after), window.close)
    return app.exec()
