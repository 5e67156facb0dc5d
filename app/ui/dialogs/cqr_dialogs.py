"""Small dialogs of the CQR workbench: the project's label rules, an auditor's comment, the team's answer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.cqr import LabelRules
from app.services.cqr import CASE_UNITS, Settings


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class RulesDialog(QDialog):
    """The frequency-label rules and what a case is, for this project."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("CQR rules")
        rules = settings.rules
        self.general_all_but = self._spin(rules.general_all_but, 0, 10)
        self.min_cases = self._spin(rules.min_cases, 1, 10)
        self.rare_above = self._spin(rules.rare_above, 0, 1000)
        self.rare_max = self._spin(rules.rare_max, 0, 100)
        self.difference_levels = self._spin(rules.difference_levels, 1, 4)
        self.case_unit = QComboBox()
        self.case_unit.addItems(["a dyad", "a perspective of a dyad"])
        self.case_unit.setCurrentIndex(CASE_UNITS.index(settings.case_unit))
        form = QFormLayout()
        form.addRow("General: all cases but", self.general_all_but)
        form.addRow("Fewest cases for a label", self.min_cases)
        form.addRow("Rare used above (cases)", self.rare_above)
        form.addRow("Rare up to (cases)", self.rare_max)
        form.addRow("Mark differences of (levels)", self.difference_levels)
        form.addRow("Core ideas: a case is", self.case_unit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    @staticmethod
    def _spin(value: int, low: int, high: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        return spin

    def settings(self) -> Settings:
        rules = LabelRules(
            general_all_but=self.general_all_but.value(),
            min_cases=self.min_cases.value(),
            rare_above=self.rare_above.value(),
            rare_max=self.rare_max.value(),
            difference_levels=self.difference_levels.value(),
        )
        return Settings(rules, CASE_UNITS[self.case_unit.currentIndex()])


class CommentDialog(QDialog):
    """An auditor's comment on one of the given targets: (label, target kind, id)."""

    def __init__(
        self,
        targets: list[tuple[str, str, int]],
        current: int = 0,
        auditor: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit comment")
        self.targets = targets
        self.target = QComboBox()
        self.target.addItems([label for label, _kind, _id in targets])
        self.target.setCurrentIndex(max(0, min(current, len(targets) - 1)))
        self.auditor = QLineEdit(auditor)
        self.text = QPlainTextEdit()
        form = QFormLayout()
        form.addRow("On", self.target)
        form.addRow("Auditor", self.auditor)
        form.addRow("Comment", self.text)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def values(self) -> tuple[str, int, str, str]:
        """(target kind, target id, text, auditor)."""
        _label, kind, ident = self.targets[self.target.currentIndex()]
        return kind, ident, self.text.toPlainText(), self.auditor.text()


class AnswerDialog(QDialog):
    DECISIONS = ("accepted", "changed", "kept")

    def __init__(self, about: str, author: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Answer the auditor")
        self.decision = QComboBox()
        self.decision.addItems(["Accepted", "Changed", "Kept (give the reason)"])
        self.reason = QPlainTextEdit()
        self.author = QLineEdit(author)
        form = QFormLayout()
        form.addRow("Comment on", QLineEdit(about, readOnly=True))
        form.addRow("Decision", self.decision)
        form.addRow("Reason", self.reason)
        form.addRow("Answered by", self.author)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def values(self) -> tuple[str, str, str]:
        """(decision, reason, author)."""
        return self.DECISIONS[self.decision.currentIndex()], self.reason.toPlainText(), self.author.text()
