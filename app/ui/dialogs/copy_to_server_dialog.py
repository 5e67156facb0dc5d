"""File ▸ Copy to server: ask where the copy goes (a PostgreSQL database) and, if needed, its password.

The password is used for this one copy and never stored; a lab usually keeps it in ~/.pgpass instead, which
PostgreSQL's client library reads by itself.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services import copying

EXAMPLE = "postgresql://ana@lab-server:5432/alliance_study"


class CopyToServerDialog(QDialog):
    def __init__(self, parent: QWidget | None, project_name: str, rows_hint: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Copy to server")
        self.setMinimumWidth(560)
        intro = QLabel(
            f"Copy {project_name} into a PostgreSQL database on your lab's server, unchanged: every document, "
            "coding, memo, correction history, anchor and the audit log. The database must be new and empty "
            "(your server administrator creates it with <tt>createdb</tt>). This project stays as it is."
            + (f"<br><br>{rows_hint}" if rows_hint else ""),
            self,
        )
        intro.setWordWrap(True)
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(EXAMPLE)
        self.address.setClearButtonEnabled(True)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty to use ~/.pgpass")
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: palette(mid)")
        form = QFormLayout()
        form.addRow("Server database", self.address)
        form.addRow("Password", self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Copy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.address.textChanged.connect(self._update)
        self._update()

    def address_problem(self) -> str | None:
        text = self.address.text().strip()
        if not text:
            return f"Type the database's address, like {EXAMPLE}"
        if not copying.is_server_address(text):
            return "A server address starts with postgresql:// (user@host:port/database)."
        if text.rstrip("/").count("/") < 3:
            return "Name the database at the end of the address: …:5432/DATABASE"
        return None

    def _update(self) -> None:
        problem = self.address_problem()
        self.problem.setText(problem or "Rapport stores no password: it is used for this copy only.")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def value(self) -> str:
        """The address to copy to, with the password typed (if any) for this one connection."""
        return copying.with_password(self.address.text().strip(), self.password.text())


def ask_server_address(parent: QWidget | None, project_name: str, rows_hint: str = "") -> str | None:
    """The server database chosen, or None when cancelled (tests replace this function)."""
    dialog = CopyToServerDialog(parent, project_name, rows_hint)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.value()
