"""Pseudonymise: list real names and their pseudonyms, preview every replacement, then apply as one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.domain.plural import count
from app.services.pseudonymise import PseudonymRule, Replacement, preview, pseudonymise, undo_pseudonymise
from app.ui.background_commands import push_in_background
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext


class PseudonymiseDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Pseudonymise names")
        self.resize(760, 560)
        self.replacements: list[Replacement] = []
        self.previewed: list[PseudonymRule] | None = None  # the rules the preview shows: apply uses these

        intro = QLabel(
            "Each real name is replaced by its pseudonym in every document. Codings, turns and memos follow "
            "the text, each document's history records the replacements, and Edit ▸ Undo reverses it all."
        )
        intro.setWordWrap(True)
        self.rules = QTableWidget(3, 2)
        self.rules.setHorizontalHeaderLabels(["Real name", "Pseudonym"])
        self.rules.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.whole_words = QCheckBox("Whole words only (so “Jon” does not change “Jonas”)")
        self.whole_words.setChecked(True)
        self.case_sensitive = QCheckBox("Match case")
        add_row = QPushButton("Add a name")
        add_row.clicked.connect(lambda: self.rules.insertRow(self.rules.rowCount()))
        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self.show_preview)

        self.found = QTableWidget(0, 3)
        self.found.setHorizontalHeaderLabels(["Document", "Replacement", "In context"])
        self.found.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.found.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary = QLabel("Preview to see every replacement before anything changes.")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton("Replace all", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(False)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

        options = QHBoxLayout()
        for widget in (self.whole_words, self.case_sensitive):
            options.addWidget(widget)
        options.addStretch(1)
        options.addWidget(add_row)
        options.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.rules, 1)
        layout.addLayout(options)
        layout.addWidget(self.found, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.rules.itemChanged.connect(lambda _item: self.apply_button.setEnabled(False))

    def set_rules(self, pairs: list[tuple[str, str]]) -> None:
        self.rules.setRowCount(max(len(pairs), 1))
        for row, (real, pseudonym) in enumerate(pairs):
            self.rules.setItem(row, 0, QTableWidgetItem(real))
            self.rules.setItem(row, 1, QTableWidgetItem(pseudonym))

    def current_rules(self) -> list[PseudonymRule]:
        rules = []
        for row in range(self.rules.rowCount()):
            real, pseudonym = (self.rules.item(row, c) for c in (0, 1))
            if real is not None and real.text().strip():
                rules.append(
                    PseudonymRule(
                        real.text().strip(),
                        pseudonym.text().strip() if pseudonym else "",
                        self.whole_words.isChecked(),
                        self.case_sensitive.isChecked(),
                    )
                )
        return rules

    def show_preview(self) -> None:
        self.previewed = self.current_rules()
        try:
            self.replacements = preview(self.context.project, self.previewed)
        except RapportError as exc:
            self.summary.setText(str(exc))
            self.apply_button.setEnabled(False)
            return
        self.found.setRowCount(len(self.replacements))
        for row, item in enumerate(self.replacements):
            cells = (item.document, f"{item.original} → {item.pseudonym}", item.context)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, (item.document_id, item.start, item.end))
                self.found.setItem(row, column, cell)
        documents = len({r.document_id for r in self.replacements})
        self.summary.setText(
            f"{count(len(self.replacements), 'replacement')} in {count(documents, 'document')}."
        )
        self.apply_button.setEnabled(bool(self.replacements))

    def apply(self) -> None:
        """Apply exactly the rules previewed (rules edited since need a new preview first)."""
        rules = self.current_rules()
        if rules != self.previewed:
            self.summary.setText("The names changed since the preview: press Preview again before applying.")
            self.apply_button.setEnabled(False)
            return
        project = self.context.project
        coder = self.context.active_coder_id
        command = ServiceCommand(
            f"Pseudonymise {len(rules)} names",
            lambda: pseudonymise(project, rules, coder_id=coder),
            lambda outcome: undo_pseudonymise(project, outcome),
        )
        self.apply_button.setEnabled(False)
        self.task = push_in_background(
            self.context, command, self, "Pseudonymising", lambda _c: self.accept(), self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, RapportError):
            raise exc
        self.summary.setText(str(exc))
        self.apply_button.setEnabled(True)
