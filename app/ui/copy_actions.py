"""File ▸ Copy to server…: copy the open project into an empty PostgreSQL database, off the GUI thread, with a
progress dialog and Cancel (a cancelled or failed copy leaves the database as empty as it was).

`app.services.copying` does the work. The question is a module-level function (`ask_server_address`) that
tests replace; `announce` shows the outcome (tests replace it too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from app.services import copying
from app.ui.context import AppContext
from app.ui.dialogs import copy_to_server_dialog
from app.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def ask_server_address(parent: QWidget | None, project_name: str) -> str | None:
    return copy_to_server_dialog.ask_server_address(parent, project_name)


def announce(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


class CopyActions(QObject):
    def __init__(self, window: MainWindow, context: AppContext, file_menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.task: Task | None = None
        self.copy_to_server = file_menu.addAction("Copy to &server…", self.copy_project_to_server)
        self.copy_to_server.setStatusTip(
            "Copy the project, unchanged, into an empty PostgreSQL database for a team to code at once"
        )
        context.projectChanged.connect(lambda _project: self.update_actions())
        self.update_actions()

    def update_actions(self) -> None:
        self.copy_to_server.setEnabled(self.context.project is not None)

    def copy_project_to_server(self) -> Task | None:
        project = self.context.project
        if project is None:
            return None
        address = ask_server_address(self.window, project.name)
        if address is None:
            return None
        where = copying.location_of(address)
        self.task = run_in_background(
            self.window,
            "Copy to server",
            lambda progress, cancelled: copying.copy_open_project(
                project, address, progress=progress, cancelled=cancelled
            ),
            lambda report: self._copied(report, where),
        )
        return self.task

    def _copied(self, report: copying.CopyReport, where: str) -> None:
        counts = report.as_dict()
        text = (
            f"Copied {report.source} to {where}: {counts['documents']} documents, {counts['codings']} codings, "
            f"{counts['memos']} memos, {counts['audit_log']} audit entries ({report.rows} rows in all).\n\n"
            "Coders open the server copy with File ▸ Open and its address. This file stays as it was."
        )
        self.window.status.show_message(f"Copied the project to {where}", 10000)
        announce(self.window, "Copy to server", text)
