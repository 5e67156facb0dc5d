"""The audit log window: every entry, and whether the hash chain verifies (the first bad entry in red)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import audit
from app.services.project import Project
from app.ui.models.audit_model import AuditTableModel


class AuditDialog(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(f"Audit log: {project.name}")
        self.resize(900, 520)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.model = AuditTableModel(parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        verify = buttons.addButton("Verify again", QDialogButtonBox.ButtonRole.ActionRole)
        verify.clicked.connect(self.refresh)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        check = audit.verify(self.project)
        self.model.set_records(audit.entries(self.project), check.first_bad)
        if check.ok:
            self.status.setText(
                f"{check.entries} entries. The hash chain verifies: no entry was altered, removed or reordered."
            )
        else:
            self.status.setText(f"<b style='color:#c0392b'>{check.problem}</b>")
        self.table.scrollToBottom()
