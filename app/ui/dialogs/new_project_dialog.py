"""Create a project: where to save it, and whether to start from the starter codebook of alliance themes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.project import Project, create_project

PROJECT_FILTER = "Rapport projects (*.rapport)"


def default_folder() -> Path:
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


class NewProjectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.setMinimumWidth(520)
        self.name = QLineEdit("My study", self)
        self.folder = QLineEdit(str(folder or default_folder()), self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.starter = QCheckBox("Add the starter codebook (alliance themes with definitions)", self)
        self.starter.setChecked(True)
        self.starter.setToolTip("Trust, competence, rupture, repair, empathy, shared goals… ready to refine")
        self.encrypt = QCheckBox("Encrypt the project (AES-256; you choose a passphrase next)", self)
        self.encrypt.setToolTip("For clinical data: the file, its backups and its search index are unreadable "
                                "without the passphrase, which Rapport never stores")  # fmt: skip
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setStyleSheet("color: palette(mid)")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Folder", folder_row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.starter)
        layout.addWidget(self.encrypt)
        layout.addWidget(self.where)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._update)
        self.folder.textChanged.connect(self._update)
        self._update()

    def path(self) -> Path:
        name = self.name.text().strip()
        if not name.endswith(".rapport"):
            name += ".rapport"
        return Path(self.folder.text().strip()).expanduser() / name

    def problem(self) -> str | None:
        if not self.name.text().strip():
            return "Give the project a name."
        if not Path(self.folder.text().strip()).expanduser().is_dir():
            return "That folder does not exist."
        if self.path().exists():
            return f"{self.path().name} already exists in that folder."
        return None

    def _update(self) -> None:
        problem = self.problem()
        self.where.setText(problem or f"Will be saved as {self.path()}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the project", self.folder.text())
        if chosen:
            self.folder.setText(chosen)


def create_new_project(path: Path, starter_codebook: bool, passphrase: str | None = None) -> Project:
    """Create the file (encrypted when given a passphrase) and, when asked, load the starter codebook."""
    project = create_project(path, passphrase=passphrase)
    if starter_codebook:
        try:
            from app.services.codebook import load_starter_codebook

            load_starter_codebook(project)
        except BaseException:
            project.close()
            raise
    return project
