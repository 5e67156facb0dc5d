"""Backups in the application: one on open, one every few minutes of work, and File ▸ Restore from backup.

The copies are made by `app.services.backups` (SQLite's online backup API, so the project stays open). A
project file that cannot be opened because it is damaged leads here too: its backups are offered.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.services import backups
from app.services.changes import Change
from app.ui.context import AppContext

CHECK_EVERY_MS = 60_000


class BackupKeeper(QObject):
    """Takes a backup when a writable project opens and, after changes, every `backups.BACKUP_EVERY`."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.last_backup: datetime | None = None
        self.changed_since = False
        self.last_error: str | None = None
        self._opening = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.tick)
        context.projectChanged.connect(self._on_project)
        context.changed.connect(self._on_change)

    def _on_project(self, project) -> None:
        self.last_backup, self.changed_since = None, False
        self._opening = True  # AppContext announces a newly opened project as a change to everything
        if project is None or project.read_only or project.is_server:  # a server is backed up with pg_dump
            self.timer.stop()
            return
        self.backup_now("open")
        self.timer.start()

    def _on_change(self, change: Change) -> None:
        if self._opening and change.everything:
            self._opening = False
            return  # the announcement of a newly opened project is not work
        self._opening = False
        self.changed_since = True

    def tick(self, now: datetime | None = None) -> bool:
        if backups.backup_due(self.last_backup, self.changed_since, now):
            return self.backup_now("auto")
        return False

    def backup_now(self, reason: str) -> bool:
        project = self.context.project
        if project is None or project.read_only:
            return False
        try:
            backups.make_backup(project, reason)
        except (OSError, RapportError) as error:  # a backup failing must never disturb the work
            self.last_error = str(error)
            return False
        self.last_backup, self.changed_since = datetime.now(), False
        return True


class RestoreBackupDialog(QDialog):
    """Lists the backups of one project file, newest first; accepting restores the chosen one."""

    def __init__(
        self, project_path: Path, found: list[backups.BackupInfo], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.project_path = Path(project_path)
        self.setWindowTitle("Restore from backup")
        self.resize(560, 380)
        intro = QLabel(
            f"Choose a backup of <b>{self.project_path.name}</b>. The current file is kept beside it "
            "(renamed with “backup” and the time), so nothing is lost by restoring."
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        labels = {"open": "when opened", "auto": "during work", "manual": "made by hand"}
        for info in found:
            size = f"{info.size / 1024:,.0f} KB"
            text = f"{info.created:%Y-%m-%d %H:%M:%S}   {labels.get(info.reason, info.reason)}   {size}"
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, str(info.path))
        if found:
            self.list.setCurrentRow(0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(found))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        if not found:
            layout.addWidget(QLabel("There are no backups of this project on this computer yet."))
        layout.addWidget(self.buttons)

    def chosen(self) -> Path | None:
        item = self.list.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None


def restore_into(window, project_path: Path, backup: Path) -> bool:
    """Close the project if it is the one being restored, restore the backup, and open the result."""
    context = window.context
    if context.project is not None and context.project.path == Path(project_path).resolve():
        window.close_project()
    try:
        saved = backups.restore_backup(backup, project_path)
    except RapportError as error:
        window.status.show_message(str(error), 10000)
        return False
    opened = window.open_path(project_path)
    if opened and saved is not None:
        window.status.show_message(f"Restored from backup; the previous file was kept as {saved.name}", 10000)
    return opened
