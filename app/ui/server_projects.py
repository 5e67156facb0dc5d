"""File ▸ Open server project…: a project in a PostgreSQL database, opened by its URL.

The dialog takes the URL only: libpq finds the password in ~/.pgpass or PGPASSWORD, and Rapport never stores it
(the recent list keeps the URL without any password). Connecting may wait for the network, so opening runs off the
GUI thread; an empty database is offered to become a new project.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.services.project import (
    Project,
    create_project,
    is_empty_server_database,
    is_server_address,
    open_project,
    server_title,
)
from app.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

EXAMPLE = "postgresql://ana@db.lab.example:5432/alliance_study?sslmode=require"
PASSWORD_NOTE = (
    "The password comes from <b>~/.pgpass</b> or the <b>PGPASSWORD</b> environment variable; Rapport never "
    "stores it. Add <tt>?sslmode=require</tt> for an encrypted connection. Your lab's administrator gives you "
    "the address and your user name."
)


class ServerProjectDialog(QDialog):
    """Asks for a server project's URL."""

    def __init__(self, parent: QWidget | None = None, url: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Open server project")
        self.setMinimumWidth(560)
        self.url = QLineEdit(url, self)
        self.url.setPlaceholderText(EXAMPLE)
        self.url.setAccessibleName("Server project address")
        note = QLabel(PASSWORD_NOTE, self)
        note.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: palette(mid)")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Address of the project's database (PostgreSQL):", self))
        layout.addWidget(self.url)
        layout.addWidget(self.problem)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.url.textChanged.connect(self._update)
        self._update()

    def address(self) -> str:
        return self.url.text().strip()

    def _update(self) -> None:
        text = self.address()
        ok = is_server_address(text) and "/" in text.split("://", 1)[1]
        if not text:
            message = f"For example {EXAMPLE}"
        elif not ok:
            message = "The address starts with postgresql:// and names the database: postgresql://user@host/database"
        else:
            message = f"Opens {server_title(text)}."
        self.problem.setText(message)
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(ok)


def ask_create_in_empty(parent: QWidget | None, url: str) -> bool:
    """The database is empty: make it a new project? (tests replace `MainWindow.ask_create_server_project`)"""
    answer = QMessageBox.question(
        parent,
        "Empty database",
        f"The database {server_title(url)} holds no project yet. Make it a new Rapport project that your team "
        "opens at the same address?",
    )
    return answer == QMessageBox.StandardButton.Yes


def open_server_project(
    window: MainWindow,
    url: str,
    on_done: Callable[[Project | None], None],
    on_failure: Callable[[BaseException], None] | None = None,
) -> Task:
    """Connect (off the GUI thread), offer to create a project in an empty database, then open it."""
    title = server_title(url)

    def connect(progress, cancelled) -> Project | None:
        progress(0, 0, f"Connecting to {title}…")
        if is_empty_server_database(url):
            return None
        return open_project(url)

    def connected(project: Project | None) -> None:
        if project is not None:
            on_done(project)
            return
        if not window.ask_create_server_project(url):
            on_done(None)
            return
        window.server_task = run_in_background(
            window, "New server project", lambda _p, _c: create_project(url), on_done, on_failure
        )

    return run_in_background(window, "Open server project", connect, connected, on_failure)
