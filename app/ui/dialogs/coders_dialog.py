"""Edit > Coders…: the project's coders with their colours and coding counts; rename, recolour, merge.

Merging is how a team repairs mismatched names ("ana" from one laptop, "Ana" from another) that would otherwise
split one person's work in two and silently hide codings from agreement. Every action is one undoable command.
The questions the dialog asks (`ask_name`, `ask_color`, `ask_target`, `confirm`) are methods so tests can
answer them without modal dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.services import codebook, coding
from app.services.changes import Change
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext
from app.ui.icons import swatch


def coding_count(project, coder_id: int) -> int:
    """How many codings a coder has (every code)."""
    return sum(codings for codings, _documents in codebook.code_usage(project, coder=coder_id).values())


class CodersDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Coders")
        self.resize(420, 340)
        self.list = QListWidget(self)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.list.itemDoubleClicked.connect(lambda _item: self.rename_selected())
        self.rename_button = QPushButton("Rename…", self)
        self.rename_button.clicked.connect(self.rename_selected)
        self.color_button = QPushButton("Colour…", self)
        self.color_button.clicked.connect(self.recolour_selected)
        self.merge_button = QPushButton("Merge into…", self)
        self.merge_button.setToolTip(
            "Move this coder's codings and memos to another coder and remove this one"
        )
        self.merge_button.clicked.connect(self.merge_selected)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for button in (self.rename_button, self.color_button, self.merge_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        context.changed.connect(self._on_change)
        self.refresh()

    # -- list -----------------------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.everything or change.coders or change.codings:
            self.refresh()

    def refresh(self) -> None:
        keep = self.selected_coder()
        self.list.clear()
        project = self.context.project
        for coder in coding.list_coders(project) if project is not None else []:
            count = coding_count(project, coder.id)
            mark = " (active)" if coder.id == self.context.active_coder_id else ""
            item = QListWidgetItem(
                swatch(coder.color), f"{coder.name}{mark} — {count} coding{'s' * (count != 1)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, coder.id)
            self.list.addItem(item)
            if coder.id == keep:
                self.list.setCurrentItem(item)
        self._update_buttons()

    def coder_ids(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def selected_coder(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select(self, coder_id: int) -> None:
        self.list.setCurrentRow(self.coder_ids().index(coder_id))

    def _update_buttons(self) -> None:
        writable = self.context.project is not None and not self.context.project.read_only
        chosen = writable and self.selected_coder() is not None
        self.rename_button.setEnabled(chosen)
        self.color_button.setEnabled(chosen)
        self.merge_button.setEnabled(chosen and self.list.count() > 1)

    def _coder(self, coder_id: int) -> coding.CoderData:
        return next(c for c in coding.list_coders(self.context.project) if c.id == coder_id)

    # -- actions (undoable) ---------------------------------------------------------------------------
    def rename(self, coder_id: int, name: str) -> bool:
        project = self.context.project
        old = self._coder(coder_id).name
        return self._push(
            ServiceCommand(
                f"Rename coder “{old}” to “{name.strip()}”",
                lambda: coding.rename_coder(project, coder_id, name),
                lambda previous: coding.rename_coder(project, coder_id, previous),
            )
        )

    def recolour(self, coder_id: int, color: str) -> bool:
        project = self.context.project
        name = self._coder(coder_id).name
        return self._push(
            ServiceCommand(
                f"Recolour coder “{name}”",
                lambda: coding.set_coder_color(project, coder_id, color),
                lambda previous: coding.set_coder_color(project, coder_id, previous),
            )
        )

    def merge(self, source_id: int, target_id: int) -> bool:
        project = self.context.project
        source, target = self._coder(source_id).name, self._coder(target_id).name
        done = self._push(
            ServiceCommand(
                f"Merge coder “{source}” into “{target}”",
                lambda: coding.merge_coders(project, source_id, target_id),
                lambda snapshot: coding.unmerge_coders(project, snapshot),
            )
        )
        if done and self.context.active_coder_id == source_id:
            self.context.set_active_coder(target_id)  # the active coder no longer exists
        return done

    def _push(self, command: ServiceCommand) -> bool:
        try:
            self.context.push(command)
        except RapportError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText("")
        return True

    # -- asking ---------------------------------------------------------------------------------------
    def rename_selected(self) -> bool:
        coder_id = self.selected_coder()
        if coder_id is None:
            return False
        name = self.ask_name(self._coder(coder_id).name)
        return bool(name) and self.rename(coder_id, name)

    def recolour_selected(self) -> bool:
        coder_id = self.selected_coder()
        if coder_id is None:
            return False
        color = self.ask_color(self._coder(coder_id).color)
        return bool(color) and self.recolour(coder_id, color)

    def merge_selected(self) -> bool:
        source_id = self.selected_coder()
        if source_id is None:
            return False
        others = [c for c in coding.list_coders(self.context.project) if c.id != source_id]
        target_id = self.ask_target(self._coder(source_id).name, [(c.id, c.name) for c in others])
        if target_id is None:
            return False
        source, target = self._coder(source_id).name, self._coder(target_id).name
        count = coding_count(self.context.project, source_id)
        question = (
            f"Merge “{source}” into “{target}”?\n\n{count} coding{'s' * (count != 1)} by {source} will move to "
            f"{target} (codings {target} already has are not doubled), {source}'s memos too, and the coder "
            f"“{source}” is removed. You can undo this."
        )
        return self.confirm(question) and self.merge(source_id, target_id)

    def ask_name(self, current: str) -> str | None:
        """Overridable in tests."""
        name, ok = QInputDialog.getText(self, "Rename coder", "New name:", text=current)
        return name if ok else None

    def ask_color(self, current: str) -> str | None:
        """Overridable in tests."""
        color = QColorDialog.getColor(QColor(current), self, "Coder colour")
        return color.name() if color.isValid() else None

    def ask_target(self, source: str, others: list[tuple[int, str]]) -> int | None:
        """Overridable in tests: which coder receives `source`'s codings."""
        names = [name for _id, name in others]
        name, ok = QInputDialog.getItem(self, "Merge coder", f"Merge “{source}” into:", names, 0, False)
        return dict((n, i) for i, n in others).get(name) if ok else None

    def confirm(self, question: str) -> bool:
        """Overridable in tests."""
        answer = QMessageBox.question(self, "Merge coders", question)
        return answer == QMessageBox.StandardButton.Yes
