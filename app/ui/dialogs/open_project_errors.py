"""Opening a project from the GUI, with the questions a second writer must answer.

When another Rapport holds the project for writing, the user may open it read-only (to read and compare) or
cancel. `ask_read_only` is a parameter so tests can answer without a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.errors import ProjectInUse, ReadOnlyLocation
from app.services.project import Project, open_project


def ask_read_only_dialog(parent: QWidget | None, error: ProjectInUse) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Question, "Project in use", str(error), QMessageBox.StandardButton.Cancel, parent
    )
    read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.setInformativeText("Read-only: you can read, search and compare, but not change anything.")
    box.setDefaultButton(read_only)
    box.exec()
    return box.clickedButton() is read_only


def open_with_questions(
    parent: QWidget | None,
    path: Path,
    ask_read_only: Callable[[QWidget | None, ProjectInUse], bool] = ask_read_only_dialog,
) -> Project | None:
    """The opened project, or None when the user chose not to open it. Other RapportErrors propagate."""
    try:
        return open_project(path)
    except ReadOnlyLocation:
        return open_project(path, read_only=True)  # a read-only disk: read, search and compare it there
    except ProjectInUse as error:
        if not ask_read_only(parent, error):
            return None
        return open_project(path, read_only=True)
