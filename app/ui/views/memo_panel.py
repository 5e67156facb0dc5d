"""The memo dock: what the analyst thinks about the project, a document, a code, a coding or a dyad.

A list of the memos on the current target beside an editor. Saving, adding and deleting are undoable commands
that call the memo services; switching to another memo or target saves pending edits first, so a thought typed
is never lost. Other views call `show_for(target, id)` to bring up the memos of what the user is looking at.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services import memos
from app.services.changes import Change
from app.ui.context import AppContext
from app.ui.editor_commands import AddMemoCommand, DeleteMemoCommand, EditMemoCommand, run_and_push

TARGET_NAMES = {
    "project": "the project",
    "document": "document",
    "code": "code",
    "coding": "coding",
    "dyad": "dyad",
}


def push_memo_text(context: AppContext, target: str, target_id: int | None, text: str) -> None:
    """Set the (first) memo of a target to `text`: edit it, create it, or delete it when emptied."""
    project = context.project
    if project is None:
        return
    existing = memos.list_memos(project, target=target, target_id=target_id)
    if existing:
        if text.strip():
            run_and_push(context, EditMemoCommand(project, existing[0].id, existing[0].title, text))
        else:
            run_and_push(context, DeleteMemoCommand(project, existing[0].id))
    elif text.strip():
        run_and_push(context, AddMemoCommand(project, target, target_id, "", text, context.active_coder_id))


class MemoPanel(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.target = "project"
        self.target_id: int | None = None
        self.current_memo_id: int | None = None
        self._loading = False
        self._dirty = False
        self._build()
        context.changed.connect(self._on_change)
        context.projectChanged.connect(lambda _p: self.show_for("project", None))

    def _build(self) -> None:
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.listing = QListWidget(self)
        self.listing.currentItemChanged.connect(self._on_pick)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("Title (optional)")
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText("Write a memo: an idea, a question, a decision about a code…")
        self.title_edit.textEdited.connect(self._mark_dirty)
        self.text_edit.textChanged.connect(self._mark_dirty)
        self.new_button = QPushButton("New memo", self)
        self.save_button = QPushButton("Save", self)
        self.delete_button = QPushButton("Delete", self)
        self.new_button.clicked.connect(self.new_memo)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete_current)
        QShortcut(
            QKeySequence.StandardKey.Save,
            self,
            self.save,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        editor = QWidget(self)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.title_edit)
        editor_layout.addWidget(self.text_edit, 1)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        editor_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.listing)
        splitter.addWidget(editor)
        splitter.setStretchFactor(1, 2)
        self.project_button = QPushButton("Project memos", self)
        self.project_button.setToolTip("Show the memos on the whole project")
        self.project_button.clicked.connect(lambda: self.show_for("project", None))
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.project_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._show_heading()
        self._update_buttons()

    # -- public -------------------------------------------------------------------------------------
    def show_for(self, target: str, target_id: int | None) -> None:
        """Show the memos on a target ("project", "document", "code", "coding" or "dyad")."""
        if self._dirty:
            self.save()
        self.target, self.target_id = target, target_id
        self.current_memo_id = None
        self.refresh()

    def refresh(self) -> None:
        project = self.context.project
        self._loading = True
        try:
            self.listing.clear()
            found = (
                []
                if project is None
                else memos.list_memos(project, target=self.target, target_id=self.target_id)
            )
            chosen = None
            for memo in found:
                first = (memo.title or memo.text.strip().split("\n", 1)[0] or "(empty)")[:80]
                first = f"{first}  ·  {memo.updated_at:%d %b %Y}"
                item = QListWidgetItem(first, self.listing)
                item.setData(Qt.ItemDataRole.UserRole, memo.id)
                item.setToolTip(memo.text[:500])
                if memo.id == self.current_memo_id:
                    chosen = item
            if chosen is None and self.listing.count():
                chosen = self.listing.item(0)
            self.listing.setCurrentItem(chosen)
            self._load_memo(found, chosen.data(Qt.ItemDataRole.UserRole) if chosen else None)
        finally:
            self._loading = False
        self._show_heading()
        self._update_buttons()

    def new_memo(self) -> None:
        if self._dirty:
            self.save()
        self._loading = True
        self.listing.clearSelection()
        self.listing.setCurrentItem(None)
        self.current_memo_id = None
        self.title_edit.clear()
        self.text_edit.clear()
        self._loading = False
        self._dirty = False
        self.text_edit.setFocus()
        self._update_buttons()

    def save(self) -> None:
        project = self.context.project
        if project is None or project.read_only:
            return
        title, text = self.title_edit.text().strip(), self.text_edit.toPlainText()
        self._dirty = False
        if self.current_memo_id is None:
            if not title and not text.strip():
                return
            command = AddMemoCommand(
                project, self.target, self.target_id, title, text, self.context.active_coder_id
            )
            run_and_push(self.context, command)
            self.current_memo_id = command.memo.id
        else:
            run_and_push(self.context, EditMemoCommand(project, self.current_memo_id, title, text))
        self.refresh()

    def delete_current(self) -> None:
        project = self.context.project
        if project is not None and self.current_memo_id is not None:
            run_and_push(self.context, DeleteMemoCommand(project, self.current_memo_id))
            self.current_memo_id = None
            self._dirty = False
            self.refresh()

    # -- internals ---------------------------------------------------------------------------------------
    def _load_memo(self, found, memo_id: int | None) -> None:
        memo = next((m for m in found if m.id == memo_id), None)
        self.current_memo_id = memo.id if memo else None
        self.title_edit.setText(memo.title if memo else "")
        self.text_edit.setPlainText(memo.text if memo else "")
        self._dirty = False

    def _on_pick(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if self._loading:
            return
        if self._dirty and previous is not None:
            self.save()
            return  # save() refreshed the list and re-selected
        memo_id = current.data(Qt.ItemDataRole.UserRole) if current else None
        if self.context.project is not None:
            self._loading = True
            self._load_memo(
                memos.list_memos(self.context.project, target=self.target, target_id=self.target_id), memo_id
            )
            self._loading = False
        self._update_buttons()

    def _mark_dirty(self) -> None:
        if not self._loading:
            self._dirty = True
            self._update_buttons()

    def _update_buttons(self) -> None:
        has_project = self.context.project is not None
        self.new_button.setEnabled(has_project)
        self.save_button.setEnabled(has_project and self._dirty)
        self.delete_button.setEnabled(has_project and self.current_memo_id is not None)
        self.text_edit.setEnabled(has_project)
        self.title_edit.setEnabled(has_project)

    def _show_heading(self) -> None:
        label = TARGET_NAMES.get(self.target, self.target)
        if self.target == "project" or self.target_id is None:
            self.heading.setText(f"<b>Memos on {label}</b>")
        else:
            self.heading.setText(
                f"<b>Memos on {label}</b> <span style='color:#777'>{self._target_name()}</span>"
            )

    def _target_name(self) -> str:
        project = self.context.project
        if project is None:
            return ""
        try:
            return memos.describe_target(project, self.target, self.target_id)
        except Exception:
            return f"#{self.target_id}"

    def _on_change(self, change: Change) -> None:
        if (change.memos or change.everything) and not self._dirty:
            self.refresh()
