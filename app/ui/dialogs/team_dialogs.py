"""Team coding dialogs: send blind copies out to coders, and merge their copies back after a dry run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.services import coding, team
from app.ui.background_commands import push_in_background
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext
from app.ui.tasks import run_in_background


class SendOutDialog(QDialog):
    """Names the coders and a folder; makes one blind copy per coder."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.made: list[Path] = []
        self.setWindowTitle("Send out copies for blind coding")
        self.coders = QLineEdit()
        self.coders.setPlaceholderText("Ana, Ben, Chloe")
        self.folder = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Coders (comma-separated):", self.coders)
        form.addRow("Folder for the copies:", row)
        self.message = QLabel(
            "Each coder gets a copy with the same documents and codebook and only their own codings. "
            "Merge the copies back with Team ▸ Merge copies."
        )
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the copies")
        if folder:
            self.folder.setText(folder)

    def send(self) -> None:
        """Write the copies in the background (a large study takes seconds), then close."""
        names = [n.strip() for n in self.coders.text().split(",") if n.strip()]
        project, folder = self.context.project, Path(self.folder.text())
        self.task = run_in_background(
            self,
            "Sending out copies",
            lambda _progress, _cancelled: team.send_out_copies(project, names, folder),
            self._sent,
            self._failed,
        )

    def _sent(self, made: list[Path]) -> None:
        self.made = made
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, RapportError):
            raise exc
        self.message.setText(str(exc))


class MergeDialog(QDialog):
    """Chooses copies, shows the dry-run summary, merges as one undoable action."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Merge coders' copies")
        self.resize(620, 460)
        self.copies = QListWidget()
        add = QPushButton("Add copies…")
        add.clicked.connect(self._choose)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setPlaceholderText("Add copies to see what a merge would bring in.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        self.buttons.accepted.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Copies to merge:"))
        layout.addWidget(self.copies)
        layout.addWidget(add)
        layout.addWidget(QLabel("What the merge will do:"))
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)

    def _choose(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Copies to merge", "", "Rapport projects (*.rapport)")
        self.add_copies([Path(f) for f in files])

    def paths(self) -> list[Path]:
        return [Path(self.copies.item(i).text()) for i in range(self.copies.count())]

    def add_copies(self, paths: list[Path]) -> None:
        for path in paths:
            if path not in self.paths():
                self.copies.addItem(str(path))
        self.dry_run()

    def dry_run(self) -> None:
        """Show what a merge would bring in, worked out in the background (it reads every copy)."""
        project, paths = self.context.project, self.paths()
        self.merge_button.setEnabled(False)
        self.summary.setPlainText("Reading the copies…")
        self.task = run_in_background(
            self,
            "Reading the copies",
            lambda _progress, _cancelled: team.merge_copies(project, paths, dry_run=True),
            self._previewed,
            self._preview_failed,
        )

    def _previewed(self, outcome: team.MergeOutcome) -> None:
        self.summary.setPlainText(describe(outcome))
        self.merge_button.setEnabled(True)

    def _preview_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, RapportError):
            raise exc
        self.summary.setPlainText(str(exc))

    def merge(self) -> None:
        if not self.merge_button.isEnabled():
            return  # the dry run is still reading the copies, or found them unfit
        project, paths = self.context.project, self.paths()
        command = ServiceCommand(
            f"Merge {len(paths)} copies",
            lambda: team.merge_copies(project, paths),
            lambda outcome: team.undo_merge(project, outcome),
        )
        self.merge_button.setEnabled(False)
        self.task = push_in_background(
            self.context, command, self, "Merging copies", lambda _c: self._merged(command), self._failed
        )

    def _merged(self, command: ServiceCommand) -> None:
        self.accept()
        coders = self.merged_coders(command.result)
        if len(coders) >= 2 and self.offer_agreement(coders):
            self.open_agreement(coders)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, RapportError):
            raise exc
        self.summary.setPlainText(str(exc))

    def merged_coders(self, outcome: team.MergeOutcome) -> list[int]:
        """Ids of the coders that received codings, in the order the copies named them."""
        names: list[str] = []
        for copy in outcome.copies:
            names += [name for name, added in copy.added_codings.items() if added and name not in names]
        ids = {c.name: c.id for c in coding.list_coders(self.context.project)}
        return [ids[name] for name in names if name in ids]

    def offer_agreement(self, coders: list[int]) -> bool:
        """Overridable in tests: ask whether to compare the merged coders now."""
        answer = QMessageBox.question(
            self,
            "Copies merged",
            f"The copies are merged: {len(coders)} coders' work is in this project now.\n\n"
            "Open the agreement window on these coders to measure agreement and resolve disagreements "
            "into a consensus coder?"
            + ("\n\nBlind coding will be switched off." if self.context.blind else ""),
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_agreement(self, coders: list[int]) -> QWidget | None:
        """The main window's agreement window (one of its tool windows), preset on the merged coders."""
        self.context.set_blind(False)  # consensus work means seeing every coder's codings
        tools = getattr(self.parent(), "tool_windows", None)
        if tools is not None:
            window = tools.show("agreement")
        else:
            from app.ui.dialogs.agreement_window import AgreementWindow

            window = AgreementWindow(self.context, self.parentWidget())
            window.setWindowFlag(Qt.WindowType.Window, True)
            window.show()
        if window is not None:
            window.set_coders(*coders)
        return window


def describe(outcome: team.MergeOutcome) -> str:
    lines = []
    for copy in outcome.copies:
        lines.append(copy.copy)
        added = ", ".join(f"{coder}: {n}" for coder, n in copy.added_codings.items()) or "none"
        lines.append(f"  new codings — {added}")
        if copy.duplicate_codings:
            lines.append(f"  already here (skipped): {copy.duplicate_codings}")
        if copy.added_codes:
            lines.append(f"  new codes: {', '.join(copy.added_codes)}")
        if copy.added_coders:
            lines.append(f"  new coders: {', '.join(copy.added_coders)}")
        if copy.added_memos:
            lines.append(f"  new memos: {copy.added_memos}")
        if copy.changed_memos:
            lines.append(f"  memos changed in the copy, added beside yours: {copy.changed_memos}")
        if copy.skipped_memos:
            lines.append(f"  memos left out (their document, code or dyad is not here): {copy.skipped_memos}")
        lines += [f"  ⚠ {conflict}" for conflict in copy.conflicts]
    return "\n".join(lines)
