"""Pick one code from the codebook (for "Merge into…"), with a filter box for long codebooks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.codebook import CodeData
from app.ui.icons import swatch


def code_paths(codes: list[CodeData]) -> dict[int, str]:
    """Each code's path `Parent/Child`, which tells apart sub-codes of the same name."""
    by_id = {c.id: c for c in codes}
    paths: dict[int, str] = {}
    for code in codes:
        parts, probe = [], code
        while probe is not None:
            parts.append(probe.name)
            probe = by_id.get(probe.parent_id) if probe.parent_id else None
        paths[code.id] = " / ".join(reversed(parts))
    return paths


class CodeChoiceDialog(QDialog):
    def __init__(self, title: str, prompt: str, codes: list[CodeData], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(380, 440)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter codes…")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        for code_id, path in code_paths(codes).items():
            code = next(c for c in codes if c.id == code_id)
            item = QListWidgetItem(swatch(code.color), path, self.list)
            item.setData(Qt.ItemDataRole.UserRole, code_id)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.currentRowChanged.connect(self._update)
        self.filter.textChanged.connect(self._apply_filter)
        layout = QVBoxLayout(self)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self._update()

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and not item.isHidden() else None

    def _apply_filter(self, text: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(text.lower() not in item.text().lower())
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.chosen() is not None)
