"""The codebook dock: the code tree, its actions, and the description of the selected code.

Clicking a code emits `codeActivated(code_id)`; the main window routes it to the transcript editor, which codes
the current selection with it. Every edit is one undoable command (app/ui/codebook_commands.py). Questions to
the user (confirm, colour, merge target) are methods tests can replace, so no test blocks on a modal dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.services import code_sets, codebook
from app.ui import code_set_actions
from app.ui.codebook_commands import CodebookActions
from app.ui.context import AppContext
from app.ui.dialogs.code_choice_dialog import CodeChoiceDialog
from app.ui.dialogs.crash_dialog import report_error
from app.ui.icons import action_icon, standard
from app.ui.models.code_tree import CodeTreeModel
from app.ui.views.code_editor_pane import CodeEditorPane

PALETTE = ("#2e86de", "#27ae60", "#e67e22", "#8e44ad", "#c0392b", "#16a085", "#d35400", "#7f8c8d", "#f1c40f")


class CodebookPanel(QWidget):
    codeActivated = Signal(int)
    codeSelected = Signal(object)  # code id or None

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.actions = CodebookActions(context)
        self._resetting = False
        self._selected: int | None = None
        self.model = CodeTreeModel(context, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self._build()
        self.model.moveRequested.connect(self._move_requested, Qt.ConnectionType.QueuedConnection)
        self.model.renameRequested.connect(self.rename_code)
        self.model.modelAboutToBeReset.connect(self._remember_state)
        self.model.modelReset.connect(self._restore_state)
        self.model.synced.connect(self._after_sync)
        context.activeCoderChanged.connect(self._coder_changed)
        context.blindChanged.connect(lambda on: self.mine_only.setEnabled(not on))  # blind counts only mine
        self.mine_only.setEnabled(not context.blind)
        context.projectChanged.connect(lambda _p: self._update_actions())
        self._expanded: set[int] = set()
        self._restore_state()

    # -- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.toolbar = QToolBar("Codebook", self)
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.75)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter codes…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.mine_only = QCheckBox("Mine", self)
        self.mine_only.setToolTip("Count only the active coder's codings")
        self.mine_only.toggled.connect(lambda _on: self._coder_changed(self.context.active_coder_id))

        self.tree = QTreeView(self)
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Count columns wide enough for their heading and a six-digit count, measured once: sizing them to
        # their contents would read every code's counts again after each coding.
        metrics = self.tree.fontMetrics()
        for column in (1, 2):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance("000000")) + 24
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.tree.clicked.connect(self._clicked)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # the keyboard's click: apply the current code
            apply_key = QShortcut(QKeySequence(key), self.tree)
            apply_key.setContext(Qt.ShortcutContext.WidgetShortcut)
            apply_key.activated.connect(lambda: self._clicked(self.tree.currentIndex()))
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        self.editor = CodeEditorPane(self.context, self)
        self._make_actions()
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([520, 300])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        row = QToolBar(self)
        row.addWidget(self.filter)
        row.addWidget(self.mine_only)
        layout.addWidget(row)
        layout.addWidget(splitter, 1)

    def _action(
        self, text: str, tip: str, slot, icon=None, shortcut=None, tree_only: bool = False
    ) -> QAction:
        """An action of the panel; `tree_only` keys (F2, Delete) act only while the code tree has the focus,
        never while the user types a name, a filter or a definition."""
        action = QAction(text, self)
        # The panel's toolbar shows icons only: the tooltip names the action first, then says what it does.
        name = text.rstrip("…")
        keys = (
            f" ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})" if shortcut is not None else ""
        )
        action.setToolTip(f"<b>{name}</b>{keys}<br>{tip}" if tip.split(" (")[0] != name else tip)
        action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(icon)
        if shortcut is not None:
            action.setShortcut(shortcut)
            context = (
                Qt.ShortcutContext.WidgetShortcut
                if tree_only
                else Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
            action.setShortcutContext(context)
        action.triggered.connect(lambda _checked=False: slot())
        (self.tree if tree_only else self).addAction(action)
        return action

    def _make_actions(self) -> None:
        self.new_action = self._action(
            "New code",
            "Add a code at the top level of the codebook",
            self.new_code,
            action_icon("code-add"),
            QKeySequence("Ctrl+Shift+N"),
        )
        self.new_sub_action = self._action(
            "New sub-code",
            "Add a code under the selected code",
            self.new_sub_code,
            action_icon("subcode-add"),
        )
        self.rename_action = self._action(
            "Rename",
            "Rename the selected code",
            self.start_rename,
            action_icon("rename"),
            QKeySequence(Qt.Key.Key_F2),
            tree_only=True,
        )
        self.color_action = self._action(
            "Colour…", "Choose the colour of the selected code", self.recolor, action_icon("color")
        )
        self.merge_action = self._action(
            "Merge into…",
            "Move this code's codings into another code and remove it",
            self.merge,
            action_icon("merge"),
        )
        self.delete_action = self._action(
            "Delete",
            "Delete the selected code with its sub-codes and codings",
            self.delete,
            standard("edit-delete"),
            QKeySequence(QKeySequence.StandardKey.Delete),
            tree_only=True,
        )
        self.set_action = self._action(
            "Mutually exclusive values (code set)",
            "Its sub-codes are the values of one set (a rupture type, a 1-5 rating): one value per passage "
            "and coder, compared by Krippendorff's alpha in the agreement window",
            lambda: self.mark_set(self.set_action.isChecked()),
        )
        self.set_action.setCheckable(True)
        self.number_action = self._action(
            "Number of this value…",
            "The value's number for interval and ratio agreement (by default its name, when it is a number)",
            self.number_value,
        )
        self.shortcut_menu = QMenu("Shortcut key", self)
        self.shortcut_menu.setToolTip("Press this digit in a transcript to apply the code to the selection")
        for digit in range(1, 10):
            self.shortcut_menu.addAction(str(digit), lambda d=digit: self.assign_shortcut(d))
        self.shortcut_menu.addSeparator()
        self.shortcut_menu.addAction("None", lambda: self.assign_shortcut(None))
        for action in (self.new_action, self.new_sub_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (self.rename_action, self.color_action, self.merge_action, self.delete_action):
            self.toolbar.addAction(action)
        key_button = QToolButton(self)
        key_button.setText("Key")
        key_button.setIcon(action_icon("key"))
        key_button.setToolTip(f"<b>Shortcut key</b><br>{self.shortcut_menu.toolTip()}")
        key_button.setMenu(self.shortcut_menu)
        key_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(key_button)
        self._update_actions()

    # -- selection ----------------------------------------------------------------------------------
    def selected_code_id(self) -> int | None:
        index = self.tree.currentIndex()
        return self.model.code_id(self.proxy.mapToSource(index)) if index.isValid() else None

    def select_code(self, code_id: int) -> None:
        index = self.proxy.mapFromSource(self.model.index_of_code(code_id))
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def _clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        code_id = self.model.code_id(self.proxy.mapToSource(index))
        if code_id is not None:
            self.codeActivated.emit(code_id)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._resetting or self.model.syncing:  # rows are being rebuilt or patched: handled afterwards
            return
        code_id = self.model.code_id(self.proxy.mapToSource(current)) if current.isValid() else None
        self._selected = code_id
        self.editor.show_code(self.model.code(code_id) if code_id is not None else None)
        self._update_actions()
        self.codeSelected.emit(code_id)

    def _update_actions(self) -> None:
        project = self.context.project
        writable = project is not None and not project.read_only
        has_code = writable and self.selected_code_id() is not None
        self.new_action.setEnabled(writable)
        for action in (self.new_sub_action, self.rename_action, self.color_action, self.delete_action):
            action.setEnabled(has_code)
        self.merge_action.setEnabled(has_code and len(self.model.codes()) > 1)
        self.shortcut_menu.setEnabled(has_code)
        code = self.model.code(self.selected_code_id()) if has_code else None
        self.set_action.setEnabled(has_code)
        self.set_action.setChecked(has_code and code_set_actions.is_marked_set(self.context, code.id))
        self.number_action.setEnabled(has_code and code is not None and code.parent_id is not None)

    def mark_set(self, marked: bool) -> None:
        code_id = self.selected_code_id()
        if code_id is not None:
            self._run("Code set", lambda: code_set_actions.mark_set(self.context, code_id, marked))
        self._update_actions()

    def ask_number(self, name: str, current: float | None) -> float | bool | None:
        """Overridable in tests: the value's number, None for "from its name", False when cancelled."""
        return code_set_actions.ask_number(self, name, current)

    def number_value(self) -> None:
        code_id = self.selected_code_id()
        if code_id is None:
            return
        code = self.model.code(code_id)
        number = self.ask_number(code.name, code_sets.stored_number(self.context.project, code_id))
        if number is not False:
            self._run(
                "Number of a value", lambda: code_set_actions.number_value(self.context, code_id, number)
            )

    def _remember_state(self) -> None:
        self._resetting = True
        self._expanded = set()
        for code in self.model.codes():
            index = self.proxy.mapFromSource(self.model.index_of_code(code.id))
            if index.isValid() and self.tree.isExpanded(index):
                self._expanded.add(code.id)

    def _restore_state(self) -> None:
        self._resetting = False
        for code in self.model.codes():
            if code.id in self._expanded or not self._expanded:
                self.tree.setExpanded(self.proxy.mapFromSource(self.model.index_of_code(code.id)), True)
        if self._selected is not None and self.model.code(self._selected) is not None:
            self.select_code(self._selected)
        else:
            self.editor.show_code(None)
        self._update_actions()

    def _after_sync(self) -> None:
        """Rows were patched: the selection stayed, unless its code was deleted (Qt then moved it on)."""
        code_id = self.selected_code_id()
        if code_id != self._selected:
            self._current_changed(self.tree.currentIndex(), QModelIndex())
            return
        code = self.model.code(code_id) if code_id is not None else None
        if code is not None and code != self.editor.code:
            self.editor.show_code(code)  # renamed or recoloured: the pane's title follows
        self._update_actions()

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if text:
            self.tree.expandAll()

    def _coder_changed(self, coder_id: int | None) -> None:
        self.model.set_coder_filter(coder_id if self.mine_only.isChecked() else None)

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        menu.addAction(self.new_action)
        menu.addAction(self.new_sub_action)
        menu.addSeparator()
        menu.addAction(self.rename_action)
        menu.addAction(self.color_action)
        menu.addMenu(self.shortcut_menu)
        menu.addSeparator()
        menu.addAction(self.merge_action)
        menu.addAction(self.delete_action)
        menu.addSeparator()
        menu.addAction(self.set_action)
        menu.addAction(self.number_action)
        code_id = self.selected_code_id()
        if code_id is not None:
            menu.addSeparator()
            menu.addAction("Memos on this code", lambda: self.context.memosRequested.emit("code", code_id))
        menu.popup(self.tree.viewport().mapToGlobal(position))

    # -- questions (tests replace these) -----------------------------------------------------------
    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_color(self, current: str) -> str | None:
        color = QColorDialog.getColor(QColor(current), self, "Code colour")
        return color.name() if color.isValid() else None

    def ask_merge_target(self, source_id: int) -> int | None:
        source = self.model.code(source_id)
        others = [c for c in self.model.codes() if c.id != source_id]
        dialog = CodeChoiceDialog(
            "Merge code",
            f"Merge “{source.name}” into which code? Its codings move there (duplicates collapse) and "
            f"“{source.name}” is removed.",
            others,
            self,
        )
        return dialog.chosen() if dialog.exec() == CodeChoiceDialog.DialogCode.Accepted else None

    # -- actions -----------------------------------------------------------------------------------
    def _run(self, title: str, action) -> object:
        try:
            return action()
        except RapportError as error:
            report_error(self, error, title)
            return None

    def _unique_name(self, base: str, parent_id: int | None) -> str:
        taken = {c.name for c in self.model.codes() if c.parent_id == parent_id}
        name, n = base, 2
        while name in taken:
            name, n = f"{base} {n}", n + 1
        return name

    def new_code(
        self, parent_id: int | None = None, name: str | None = None, edit: bool = True
    ) -> int | None:
        name = name or self._unique_name("New code" if parent_id is None else "New sub-code", parent_id)
        color = PALETTE[len(self.model.codes()) % len(PALETTE)]
        if parent_id is not None and self.model.code(parent_id) is not None:
            color = self.model.code(parent_id).color
        code = self._run("New code", lambda: self.actions.add(name, parent_id, color))
        if code is None:
            return None
        self.select_code(code.id)
        if edit:
            self.start_rename()
        return code.id

    def new_sub_code(self) -> int | None:
        parent_id = self.selected_code_id()
        if parent_id is None:
            return None
        self.tree.setExpanded(self.tree.currentIndex(), True)
        self._expanded.add(parent_id)
        return self.new_code(parent_id)

    def start_rename(self) -> None:
        index = self.tree.currentIndex()
        if index.isValid():
            self.tree.edit(index.siblingAtColumn(0))

    def rename_code(self, code_id: int, name: str) -> None:
        code = self.model.code(code_id)
        if code is not None and name.strip() and name != code.name:
            self._run(
                "Rename code",
                lambda: self.actions.update(code_id, f"Rename “{code.name}” to “{name}”", name=name),
            )

    def recolor(self, color: str | None = None) -> None:
        code = self.model.code(self.selected_code_id() or -1)
        if code is None:
            return
        color = color or self.ask_color(code.color)
        if color and color != code.color:
            self._run("Colour", lambda: self.actions.update(code.id, f"Recolour “{code.name}”", color=color))

    def assign_shortcut(self, digit: int | None) -> None:
        code = self.model.code(self.selected_code_id() or -1)
        if code is None or code.shortcut == digit:
            return
        label = f"Key {digit} for “{code.name}”" if digit else f"Remove the key of “{code.name}”"
        self._run("Shortcut key", lambda: self.actions.update(code.id, label, shortcut=digit))

    def merge(self, target_id: int | None = None) -> None:
        self.editor.flush()
        source_id = self.selected_code_id()
        if source_id is None:
            return
        target_id = target_id or self.ask_merge_target(source_id)
        if target_id is None or target_id == source_id:
            return
        self._selected = target_id
        self._run("Merge codes", lambda: self.actions.merge(source_id, target_id))

    def delete(self) -> None:
        self.editor.flush()  # a description typed a moment ago is saved (and undoable) before the code goes
        code = self.model.code(self.selected_code_id() or -1)
        if code is None:
            return
        codings, subcodes = self._deletion_scope(code.id)
        parts = [f"Delete the code “{code.name}”"]
        if subcodes:
            parts.append(f" and its {subcodes} sub-code{'s' * (subcodes != 1)}")
        parts.append(f"?\n\n{codings} coding{'s' * (codings != 1)} by all coders will be removed with it.")
        parts.append("\nYou can undo this with Edit > Undo.")
        if not self.confirm("Delete code", "".join(parts)):
            return
        self._selected = code.parent_id
        self._run("Delete code", lambda: self.actions.delete(code.id))

    def _deletion_scope(self, code_id: int) -> tuple[int, int]:
        """Codings (every coder) of the code and its sub-codes, and the number of sub-codes."""
        codes = self.model.codes()
        family, grew = {code_id}, True
        while grew:
            more = {c.id for c in codes if c.parent_id in family} - family
            family |= more
            grew = bool(more)
        return codebook.count_codings_affected(self.context.project, code_id), len(family) - 1

    def _move_requested(self, code_ids: list[int], new_parent: int | None) -> None:
        self._run("Move code", lambda: self.actions.move(code_ids, new_parent))
