"""File ▸ Protection: encrypt the project, change its passphrase, save a decrypted copy, the audit log, the
ethics summary, erase a participant; and the passphrase asked when an encrypted project is opened.

The services in `app.services.protection`, `audit`, `erasure` and `ethics_summary` do the work; slow parts
(re-encrypting, erasing with VACUUM) run on a worker thread. Encrypting and changing the passphrase need the
project closed, so the window closes it, the work runs, and the window opens it again. The questions are
module-level functions (`ask_passphrase`, `ask_save_path`, `ask_participant`, `ask_confirm`): tests replace them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from app.domain.errors import InvalidInput
from app.services import audit, coding, erasure, ethics_summary, protection, study
from app.services.project import Project
from app.ui.context import AppContext
from app.ui.dialogs import passphrase_dialog
from app.ui.dialogs.crash_dialog import report_error
from app.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

OPEN_ATTEMPTS = 3


# -- the questions (tests replace these module attributes) --------------------------------------------
def ask_passphrase(parent: QWidget | None, title: str, prompt: str, *, new: bool = False) -> str | None:
    return passphrase_dialog.ask_passphrase(parent, title, prompt, new=new)


def ask_save_path(parent: QWidget | None, caption: str, suggested: Path, file_filter: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(suggested), file_filter)
    return Path(chosen) if chosen else None


def ask_participant(parent: QWidget | None, names: list[str]) -> str | None:
    name, ok = QInputDialog.getItem(
        parent, "Erase a participant", "Whose data is to be erased?", names, 0, False
    )
    return name if ok and name else None


def ask_confirm(parent: QWidget | None, title: str, text: str, detail: str = "") -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setDetailedText(detail)
    go = box.addButton("Continue", QMessageBox.ButtonRole.DestructiveRole)
    box.exec()
    return box.clickedButton() is go


def _beside(project, name: str) -> Path:
    """A suggested output file: beside a project file, in the home folder for a server project."""
    return project.path.with_name(name) if project.path is not None else Path.home() / name


# -- opening ------------------------------------------------------------------------------------------
def ensure_passphrase(parent: QWidget | None, path: Path) -> bool:
    """Before opening `path`: when it is encrypted and no passphrase is known, ask for it (a few tries).
    False when the researcher cancels or gives up; the project is then not opened."""
    if not protection.is_encrypted(path) or protection.passphrase_given(path):
        return True
    prompt = f"{path.name} is encrypted. Type its passphrase to open it."
    for _ in range(OPEN_ATTEMPTS):
        passphrase = ask_passphrase(parent, "Encrypted project", prompt)
        if passphrase is None:
            return False
        if protection.check_passphrase(path, passphrase):
            return True
        prompt = f"That passphrase does not open {path.name}. Try again."
    return False


def coder_name(context: AppContext) -> str | None:
    project = context.project
    if project is None or context.active_coder_id is None:
        return None
    return next((c.name for c in coding.list_coders(project) if c.id == context.active_coder_id), None)


def record_open(context: AppContext, project: Project) -> None:
    """Opening a project in the window goes in its audit log (who, when, read-only or not)."""
    if not project.read_only:
        audit.record_event(project, "open", {"via": "window"}, coder_name(context))


# -- the menu ------------------------------------------------------------------------------------------
class ProtectionActions(QObject):
    def __init__(self, window: MainWindow, context: AppContext, file_menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.task: Task | None = None
        self._dialogs: list[QWidget] = []
        self.menu = file_menu.addMenu("P&rotection")
        self.encrypt = self.menu.addAction("&Encrypt project…", self.encrypt_project)
        self.change = self.menu.addAction("&Change passphrase…", self.change_passphrase)
        self.decrypt = self.menu.addAction("Save a &decrypted copy…", self.save_decrypted_copy)
        self.menu.addSeparator()
        self.audit = self.menu.addAction("&Audit log…", self.show_audit_log)
        self.ethics = self.menu.addAction("Ethics &summary (.docx)…", self.write_ethics_summary)
        self.erase = self.menu.addAction("E&rase a participant…", self.erase_participant)
        self.encrypt.setStatusTip("Encrypt the project file and its backups (SQLCipher 4, AES-256)")
        self.audit.setStatusTip("Who opened, imported, exported, erased… what, and whether the log is intact")
        self.ethics.setStatusTip("A DOCX for an ethics application or a data-management plan")
        self.menu.aboutToShow.connect(self.update_actions)
        context.projectChanged.connect(lambda _project: self.update_actions())
        self.update_actions()

    def update_actions(self) -> None:
        project = self.context.project
        writable = project is not None and not project.read_only
        on_file = project is not None and not project.is_server  # a server is protected by its administrator
        encrypted = on_file and protection.is_encrypted(project.path)
        self.encrypt.setEnabled(writable and on_file and not encrypted)
        self.change.setEnabled(writable and encrypted)
        self.decrypt.setEnabled(writable and encrypted)
        self.audit.setEnabled(project is not None)
        self.ethics.setEnabled(project is not None)
        self.erase.setEnabled(writable)

    # -- encryption ------------------------------------------------------------------------------------
    def encrypt_project(self) -> Task | None:
        project = self.context.project
        if project is None:
            return None
        passphrase = ask_passphrase(
            self.window, "Encrypt project", f"Choose a passphrase for {project.path.name}. Its backups are "
            "encrypted too; the search index is kept out of the cache folder.", new=True,
        )  # fmt: skip
        if passphrase is None:
            return None
        coder = coder_name(self.context)
        return self._closed_while(
            "Encrypt project", lambda path: protection.encrypt_project(path, passphrase, coder=coder)
        )

    def change_passphrase(self) -> Task | None:
        project = self.context.project
        if project is None:
            return None
        passphrase = ask_passphrase(
            self.window, "Change passphrase", f"The new passphrase for {project.path.name} (and its backups).",
            new=True,
        )  # fmt: skip
        if passphrase is None:
            return None
        coder = coder_name(self.context)
        return self._closed_while(
            "Change passphrase", lambda path: protection.change_passphrase(path, passphrase, coder=coder)
        )

    def _closed_while(self, title: str, work_on) -> Task:
        """Close the project, run `work_on(path)` off the GUI thread, then open the project again."""
        path = self.context.project.path
        self.window.close_project()

        def reopen(_result: Any = None) -> None:
            self.window.open_path(path)
            self.window.status.show_message(f"{title}: done", 8000)

        def failed(error: BaseException) -> None:
            report_error(self.window, error, title)
            self.window.open_path(path)

        self.task = run_in_background(self.window, title, lambda _p, _c: work_on(path), reopen, failed)
        return self.task

    def save_decrypted_copy(self) -> Task | None:
        project = self.context.project
        if project is None:
            return None
        suggested = project.path.with_name(f"{project.path.stem} (decrypted).rapport")
        out = ask_save_path(self.window, "Save a decrypted copy", suggested, "Rapport projects (*.rapport)")
        if out is None:
            return None
        if not ask_confirm(
            self.window, "Decrypted copy", f"The copy {out.name} will NOT be encrypted: anyone who can read the "
            "file can read the transcripts. The audit log records where it was written.",
        ):  # fmt: skip
            return None
        coder = coder_name(self.context)
        self.task = run_in_background(
            self.window, "Decrypted copy", lambda _p, _c: protection.write_decrypted_copy(project, out, coder=coder),
            lambda _r: self.window.status.show_message(f"Wrote the decrypted copy {out}", 8000),
        )  # fmt: skip
        return self.task

    # -- audit and ethics ---------------------------------------------------------------------------------
    def show_audit_log(self) -> QWidget | None:
        from app.ui.dialogs.audit_dialog import AuditDialog

        if self.context.project is None:
            return None
        dialog = AuditDialog(self.context.project, self.window)
        self._dialogs = [d for d in self._dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    def write_ethics_summary(self) -> Task | None:
        project = self.context.project
        if project is None:
            return None
        suggested = _beside(project, f"{project.name} ethics summary.docx")
        out = ask_save_path(self.window, "Ethics summary", suggested, "Word document (*.docx)")
        if out is None:
            return None
        self.task = run_in_background(
            self.window, "Ethics summary", lambda _p, _c: ethics_summary.write_ethics_summary(project, out),
            lambda path: self.window.status.show_message(f"Wrote {path}", 8000),
        )  # fmt: skip
        return self.task

    # -- erasure ----------------------------------------------------------------------------------------
    def erase_participant(self) -> Task | None:
        project = self.context.project
        if project is None:
            return None
        names = [p.name for p in study.list_participants(project)]
        if not names:
            report_error(self.window, InvalidInput("The project has no participants."), "Erase")
            return None
        name = ask_participant(self.window, names)
        if name is None:
            return None
        preview = erasure.erase_participant(project, name, dry_run=True)
        if not ask_confirm(
            self.window, "Erase a participant", summary(preview) + "\n\nThis cannot be undone.",
            "\n".join(preview.documents + [f"{d}: {n} turns" for d, n in preview.turns.items()]),
        ):  # fmt: skip
            return None
        coder = coder_name(self.context)
        self.task = run_in_background(
            self.window, "Erase a participant",
            lambda _p, _c: erasure.erase_participant(project, name, coder=coder), self._erased,
        )  # fmt: skip
        return self.task

    def _erased(self, report: erasure.ErasureReport) -> None:
        self.window.status.show_message(summary(report), 10000)
        if report.backups and ask_confirm(
            self.window, "Backups", f"{len(report.backups)} backups still hold {report.participant}'s data. "
            "Delete them?", "\n".join(report.backups),
        ):  # fmt: skip
            erasure.purge_backups(report.backups)


def summary(report: erasure.ErasureReport) -> str:
    verb = "Will remove" if report.dry_run else "Removed"
    return (
        f"{verb} {report.participant}: {len(report.documents)} documents, {sum(report.turns.values())} turns in "
        f"shared transcripts, {report.codings} codings, {report.memos} memos, {report.attributes} attributes."
    )
