"""The report shown for a bug (any exception that is not a RapportError), and the plain message for user errors.

A researcher cannot fix a bug, but can send us the report: so the dialog shows the traceback and the versions
in a read-only box with a Copy button, and says plainly that the project on disk is safe (every action is one
transaction: a failed one was rolled back). Dialogs are opened with `open()`, never `exec()`, so nothing blocks
an event loop (and tests can inspect and close them).
"""

from __future__ import annotations

import platform
import sys
import traceback

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.domain.errors import OperationCancelled, RapportError

# The dialogs currently shown, kept alive here (a dialog without a parent would otherwise be collected).
open_dialogs: list[QDialog] = []


def versions_text() -> str:
    return (
        f"Rapport {__version__}\nPython {platform.python_version()} ({sys.platform})\n"
        f"Qt {qVersion()}, PySide6 {pyside_version}"
    )


def crash_report(error: BaseException) -> str:
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return f"{versions_text()}\n\n{''.join(lines).rstrip()}\n"


class CrashDialog(QDialog):
    """Says something went wrong, that the project is safe, and offers the report to copy."""

    def __init__(self, error: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rapport: unexpected error")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 420)
        self.report = crash_report(error)
        intro = QLabel(
            "<b>Something went wrong inside Rapport.</b><br>"
            f"{type(error).__name__}: {str(error)[:300] or '(no message)'}<br><br>"
            "Your project is safe: the action that failed was not saved, everything before it is on disk. "
            "Please copy the report below and send it to whoever looks after Rapport in your team.",
            self,
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(self.report, self)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton("Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)


def _keep(dialog: QDialog) -> None:
    open_dialogs.append(dialog)
    dialog.finished.connect(lambda _result: open_dialogs.remove(dialog) if dialog in open_dialogs else None)
    dialog.open()


def show_crash_report(parent: QWidget | None, error: BaseException) -> CrashDialog:
    dialog = CrashDialog(error, parent)
    _keep(dialog)
    return dialog


def show_message(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A plain, non-blocking warning naming what went wrong (for RapportError and its kin)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _keep(box)
    return box


def report_error(parent: QWidget | None, error: BaseException, title: str = "Rapport") -> QDialog | None:
    """The one place that decides how an exception reaches the user: cancel silently, user error plainly,
    bug with a report."""
    if isinstance(error, OperationCancelled):
        return None
    if isinstance(error, RapportError):
        return show_message(parent, title, str(error))
    return show_crash_report(parent, error)
