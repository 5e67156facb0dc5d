"""File ▸ Copy to server…: copy the open project into an empty PostgreSQL database, off the GUI thread, with a
progress dialog and Cancel (a cancelled or failed copy leaves the database as empty as it was). File ▸ Save a
copy as file…: the same copy into a new project file (a server project's snapshot for an archive or a laptop).

`app.services.copying` does the work. The questions are module-level functions (`ask_server_address`,
`ask_file_path`) that tests replace; `announce` shows the outcome (tests replace it too).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from app.services import copying
from app.ui.context import AppContext
from app.ui.dialogs import copy_to_server_dialog
from app.ui.protection_actions import coder_name
from app.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def ask_server_address(parent: QWidget | None, project_name: str) -> str | None:
    return copy_to_server_dialog.ask_server_address(parent, project_name)


def ask_file_path(parent: QWidget | None, suggested: Path) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Save a copy as file", str(suggested), "Rapport projects (*.rapport)"
    )
    return Path(chosen) if chosen else None


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
        self.copy_to_file = file_menu.addAction("Save a copy as &file…", self.copy_project_to_file)
        self.copy_to_file.setStatusTip("Copy the project, unchanged, into a new project file")
        context.projectChanged.connect(lambda _project: self.update_actions())
        self.update_actions()

    def update_actions(self) -> None:
        self.copy_to_server.setEnabled(self.context.project is not None)
        self.copy_to_file.setEnabled(self.context.project is not None)

    def copy_project_to_server(self) -> Task | None:
        project = self.context.project
        if project is None:
            return None
        address = ask_server_address(self.window, project.name)
        if address is None:
            return None
        after = "Coders open the server copy with File ▸ Open server project and its address."
        return self._copy("Copy to server", address, after)

    def copy_project_to_file(self) -> Task | None:
        project = self.context.project
        if project is None:
            return None
        folder = project.path.parent if project.path is not None else Path.home()
        path = ask_file_path(self.window, folder / f"{project.name} (copy).rapport")
        if path is None:
            return None
        return self._copy("Save a copy as file", path, "Open it with File ▸ Open.")

    def _copy(self, title: str, target: str | Path, after: str) -> Task:
        project = self.context.project
        where = copying.location_of(target)
        coder = coder_name(self.context)  # the copy goes in the project's audit log under their name
        self.task = run_in_background(
            self.window,
            title,
            lambda progress, cancelled: copying.copy_open_project(
                project, target, progress=progress, cancelled=cancelled, coder=coder
            ),
            lambda report: self._copied(title, report, where, after),
        )
        return self.task

    def _copied(self, title: str, report: copying.CopyReport, where: str, after: str) -> None:
        counts = report.as_dict()
        text = (
            f"Copied {report.source} to {where}: {counts['documents']} documents, {counts['codings']} codings, "
            f"{counts['memos']} memos, {counts['audit_log']} audit entries ({report.rows} rows in all).\n\n"
            f"{after} The project you have open stays as it was."
        )
        self.window.status.show_message(f"Copied the project to {where}", 10000)
        announce(self.window, title, text)
