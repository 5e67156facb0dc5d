"""Ask for a passphrase: to open an encrypted project, or a new one (typed twice) to encrypt it with.

The passphrase goes from this dialog straight to the services, which keep it in memory only.
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

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, prompt: str, *, new: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.new = new
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: palette(mid)")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Passphrase", self.passphrase)
        if new:
            form.addRow("Again", self.repeat)
        else:
            self.repeat.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._update)
        self.repeat.textChanged.connect(self._update)
        self._update()

    def text_problem(self) -> str | None:
        text = self.passphrase.text()
        if not text:
            return "Type the passphrase." if not self.new else f"At least {MIN_LENGTH} characters."
        if self.new and len(text) < MIN_LENGTH:
            return f"At least {MIN_LENGTH} characters."
        if self.new and text != self.repeat.text():
            return "The two entries differ."
        return None

    def _update(self) -> None:
        problem = self.text_problem()
        hint = "Rapport never stores it: without it the project cannot be opened." if self.new else ""
        self.problem.setText(problem or hint)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def value(self) -> str:
        return self.passphrase.text()


def ask_passphrase(parent: QWidget | None, title: str, prompt: str, *, new: bool = False) -> str | None:
    """The passphrase typed, or None when cancelled (tests replace this function)."""
    dialog = PassphraseDialog(parent, title, prompt, new=new)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.value()
