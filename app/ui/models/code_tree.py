"""The codebook as a tree model: colour swatch and name, number of codings, number of documents.

Counts follow a coder filter (None: every coder), because a coder checking their own work wants their own
numbers. When only codings change (the loop a researcher repeats all afternoon) the counts of the codes
concerned are re-read and `dataChanged` emitted for them. When the codebook changes (add, rename, recolour,
move, delete, merge and their undo) the tree is compared with `codebook.list_codes` and only the rows concerned
are inserted, moved, removed or repainted, never a reset, so the selection, the expanded branches and the views
that follow them stay put. A reset is kept for another project, blind mode and very large changes (an import).

Drag and drop: codes are dragged as `application/x-rapport-code-ids` (UTF-8, comma-separated ids), which the
transcript editor accepts to code a selection. Dropping codes on another code (or on empty space, meaning the
top level) does not change anything here: the model emits `moveRequested` and the codebook panel turns it into
an undoable service command; the model follows the database once the move is done.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    Qt,
    Signal,
)

from app.services import codebook
from app.services.changes import Change
from app.services.codebook import CodeData
from app.ui.context import NOBODY, AppContext
from app.ui.icons import swatch
from app.ui.models.node_tree import Index, NodeTreeModel, TreeNode

CODE_IDS_MIME = "application/x-rapport-code-ids"
CODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLOR_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Code", "Codings", "Documents")


@dataclass(eq=False)
class CodeNode(TreeNode):
    code: CodeData | None
    parent: CodeNode | None = None
    children: list[CodeNode] = field(default_factory=list)
    codings: int = 0
    documents: int = 0


def _sibling_key(code: CodeData) -> tuple:
    """The order of sibling codes, as `codebook.list_codes` gives them."""
    return (code.position, code.name.casefold(), code.id)


def encode_code_ids(ids: Sequence[int]) -> QMimeData:
    mime = QMimeData()
    mime.setData(CODE_IDS_MIME, QByteArray(",".join(str(i) for i in ids).encode("utf-8")))
    return mime


def decode_code_ids(mime: QMimeData) -> list[int]:
    if not mime.hasFormat(CODE_IDS_MIME):
        return []
    raw = bytes(mime.data(CODE_IDS_MIME).data()).decode("utf-8", errors="replace")
    return [int(part) for part in raw.split(",") if part.strip().isdigit()]


class CodeTreeModel(NodeTreeModel):
    columns = COLUMNS

    moveRequested = Signal(list, object)  # code ids, new parent id (None: top level)
    renameRequested = Signal(int, str)  # code id, new name (inline edit)
    synced = Signal()  # rows were patched to follow a codebook change (no reset)

    # Past this many codes added or removed at once, one reset is cheaper than a signal per row.
    MAX_PATCHED_ROWS = 200

    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.coder_filter: int | None = None
        self.root = CodeNode(None)
        self._by_id: dict[int, CodeNode] = {}
        self._project = None
        self.syncing = False  # rows are being patched: selection changes meanwhile are not the user's
        context.changed.connect(self._on_change)
        context.blindChanged.connect(lambda _on: self.reload())
        context.activeCoderChanged.connect(lambda _id: self.context.blind and self.reload())
        self.reload()

    # -- loading -----------------------------------------------------------------------------------
    def set_coder_filter(self, coder_id: int | None) -> None:
        if coder_id != self.coder_filter:
            self.coder_filter = coder_id
            self.reload()

    def counted_coder(self) -> int | None:
        """Whose codings the counts include: blind coding forces the active coder's own."""
        blind_coder = self.context.shown_coder()
        return blind_coder if blind_coder is not None else self.coder_filter

    def reload(self) -> None:
        project = self.context.project
        codes = codebook.list_codes(project) if project is not None else []
        counted = self.counted_coder()
        usage = (
            codebook.code_usage(project, coder=counted) if project is not None and counted != NOBODY else {}
        )
        self.beginResetModel()
        self._project = project
        self.root = CodeNode(None)
        self._by_id = {}
        for code in codes:
            codings, documents = usage.get(code.id, (0, 0))
            self._by_id[code.id] = CodeNode(code, codings=codings, documents=documents)
        for code in codes:
            node = self._by_id[code.id]
            node.parent = self._by_id.get(code.parent_id, self.root) if code.parent_id else self.root
            node.parent.children.append(node)
        self.endResetModel()

    def _on_change(self, change: Change) -> None:
        if change.only_codings:
            self.update_counts(change.codes)
        elif change.only_code_edits:
            self.patch_codes(change.codes_edited)
        elif change.everything or change.codebook or change.codings:
            self.sync(recount=bool(change.everything or change.codings))

    # -- patching rows to follow the database --------------------------------------------------------
    def sync(self, recount: bool = True) -> None:
        """Bring the tree up to date with the database by patching only the rows that differ; without
        `recount` (a rename, a recolour, a move: no coding changed) the counts shown are kept."""
        project = self.context.project
        if project is None or project is not self._project:
            self.reload()
            return
        counted = self.counted_coder()
        codes = codebook.list_codes(project, with_usage=recount and counted is None)
        if not recount:
            usage = {code_id: (node.codings, node.documents) for code_id, node in self._by_id.items()}
        elif counted is None:
            usage = {code.id: (code.codings, code.documents) for code in codes}
        else:
            usage = codebook.code_usage(project, coder=counted) if counted != NOBODY else {}
        wanted = {code.id for code in codes}
        churn = len(wanted ^ self._by_id.keys())
        if churn > self.MAX_PATCHED_ROWS:
            self.reload()
            return
        self.syncing = True
        try:
            self._place_rows(codes)
            self._remove_rows(wanted)
            self._repaint_rows(codes, usage)
        finally:
            self.syncing = False
        self.synced.emit()

    def patch_codes(self, code_ids) -> None:
        """Some codes' own fields were edited (a rename, a colour, a definition, a key): re-read only those
        codes, repaint their rows (and the paths of their sub-codes), and move a renamed code to its new place
        among its siblings. No codebook walk: a rename in a thousand-code codebook reads one row."""
        project = self.context.project
        wanted = set(code_ids)
        fresh = codebook.codes_fields(project, wanted) if project is not None else []
        known = [code for code in fresh if code.id in self._by_id]
        placed = all(self._by_id[c.id].code.parent_id == c.parent_id for c in known)
        if project is not self._project or len(known) != len(wanted) or not placed:
            self.sync(recount=False)  # not only edits of codes shown where they are: compare the whole tree
            return
        self.syncing = True
        try:
            for code in known:
                node = self._by_id[code.id]
                self._set_code(node, code)
                self._keep_sibling_order(node)
        finally:
            self.syncing = False
        self.synced.emit()

    def _set_code(self, node: CodeNode, code: CodeData) -> None:
        """Give a node its code's new fields, with its depth and path taken from its parent (and its sub-codes'
        paths following a new name)."""
        parent = node.parent.code if node.parent is not None else None
        depth = parent.depth + 1 if parent is not None else 0
        path = f"{parent.path}/{code.name}" if parent is not None else code.name
        code = replace(code, depth=depth, path=path)
        if code == node.code:
            return
        renamed = node.code is None or node.code.path != path
        node.code = code
        row = node.row()
        self.dataChanged.emit(self.createIndex(row, 0, node), self.createIndex(row, 2, node))
        if renamed:
            for child in node.children:
                if child.code is not None:
                    self._set_code(child, child.code)

    def _keep_sibling_order(self, node: CodeNode) -> None:
        """Siblings are ordered by position, then name: a renamed code may belong elsewhere among them."""
        parent = node.parent
        assert parent is not None
        others = [n for n in parent.children if n is not node]
        row = bisect_left([_sibling_key(n.code) for n in others], _sibling_key(node.code))
        old_row = node.row()
        if row != old_row:
            self._move_node_within(node, old_row, row)

    def _move_node_within(self, node: CodeNode, old_row: int, row: int) -> None:
        parent = node.parent
        index = self.index_of_node(parent)
        # Qt's destination counts rows before the move: moving down lands before the row after the target.
        self.beginMoveRows(index, old_row, old_row, index, row + 1 if row > old_row else row)
        parent.children.pop(old_row)
        parent.children.insert(row, node)
        self.endMoveRows()

    def _place_rows(self, codes: list[CodeData]) -> None:
        """Walk the new tree top-down (parents come first in `codes`) and put each code at its row, moving
        or inserting it; codes left behind past their parent's new children are deleted ones."""
        by_parent: dict[int | None, list[CodeData]] = {}
        for code in codes:
            by_parent.setdefault(code.parent_id, []).append(code)
        for parent_id in [None, *(code.id for code in codes)]:
            parent = self.root if parent_id is None else self._by_id[parent_id]
            for row, code in enumerate(by_parent.get(parent_id, [])):
                node = self._by_id.get(code.id)
                if node is None:
                    self.beginInsertRows(self.index_of_node(parent), row, row)
                    node = CodeNode(code, parent=parent)
                    parent.children.insert(row, node)
                    self._by_id[code.id] = node
                    self.endInsertRows()
                elif node.parent is not parent or node.row() != row:
                    self._move_node(node, parent, row)

    def _move_node(self, node: CodeNode, parent: CodeNode, row: int) -> None:
        old_parent, old_row = node.parent, node.row()
        assert old_parent is not None
        # Rows above `row` already hold their final codes, so within one parent the node only moves up.
        self.beginMoveRows(self.index_of_node(old_parent), old_row, old_row, self.index_of_node(parent), row)
        old_parent.children.pop(old_row)
        parent.children.insert(row, node)
        node.parent = parent
        self.endMoveRows()

    def _remove_rows(self, wanted: set[int]) -> None:
        gone = [node for code_id, node in self._by_id.items() if code_id not in wanted]
        for node in gone:
            parent = node.parent
            if parent is None or (parent is not self.root and parent.code.id not in wanted):
                continue  # removed with its deleted parent
            row = node.row()
            self.beginRemoveRows(self.index_of_node(parent), row, row)
            parent.children.pop(row)
            self.endRemoveRows()
        for node in gone:
            del self._by_id[node.code.id]

    def _repaint_rows(self, codes: list[CodeData], usage: dict[int, tuple[int, int]]) -> None:
        for code in codes:
            node = self._by_id[code.id]
            counts = usage.get(code.id, (0, 0))
            if node.code != code or (node.codings, node.documents) != counts:
                node.code = code
                node.codings, node.documents = counts
                row = node.row()
                self.dataChanged.emit(self.createIndex(row, 0, node), self.createIndex(row, 2, node))

    def update_counts(self, code_ids) -> None:
        """Re-read the counts of these codes and tell the views about the rows whose numbers changed."""
        project = self.context.project
        counted = self.counted_coder()
        wanted = [i for i in code_ids if i in self._by_id]
        if project is None or not wanted:
            return
        usage = codebook.code_usage(project, coder=counted, codes=wanted) if counted != NOBODY else {}
        for code_id in wanted:
            node = self._by_id[code_id]
            codings, documents = usage.get(code_id, (0, 0))
            if (codings, documents) != (node.codings, node.documents):
                node.codings, node.documents = codings, documents
                row = node.row()
                self.dataChanged.emit(
                    self.createIndex(row, 1, node),
                    self.createIndex(row, 2, node),
                    [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole],
                )

    def code(self, code_id: int) -> CodeData | None:
        node = self._by_id.get(code_id)
        return node.code if node is not None else None

    def codes(self) -> list[CodeData]:
        return [node.code for node in self._by_id.values() if node.code is not None]

    def usage(self, code_id: int) -> tuple[int, int]:
        node = self._by_id.get(code_id)
        return (node.codings, node.documents) if node is not None else (0, 0)

    def index_of_code(self, code_id: int, column: int = 0) -> QModelIndex:
        node = self._by_id.get(code_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row(), column, node)

    def code_id(self, index: Index) -> int | None:
        node = self.node(index)
        return node.code.id if node.code is not None else None

    # -- QAbstractItemModel --------------------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                "Code name (drag onto selected text to code it)",
                "Codings with this code (for the coder filter)",
                "Documents with at least one such coding",
            )[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        flags |= Qt.ItemFlag.ItemIsDropEnabled
        if index.column() == 0 and not (self.context.project and self.context.project.read_only):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node = self.node(index)
        code = node.code
        if code is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return code.name
            return node.codings if column == 1 else node.documents
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return swatch(code.color)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"<b>{code.name}</b>"
            if code.shortcut:
                tip += f" &nbsp;(key {code.shortcut})"
            if code.definition:
                tip += f"<br>{code.definition}"
            return tip
        if role == CODE_ID_ROLE:
            return code.id
        if role == COLOR_ROLE:
            return code.color
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node = self.node(index)
        if role != Qt.ItemDataRole.EditRole or index.column() != 0 or node.code is None:
            return False
        name = str(value).strip()
        if name and name != node.code.name:
            self.renameRequested.emit(node.code.id, name)
        return False  # the rename arrives through the undo stack and a reload

    # -- drag and drop -----------------------------------------------------------------------------
    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [CODE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids: list[int] = []
        for index in indexes:
            code_id = self.code_id(index)
            if code_id is not None and code_id not in ids:
                ids.append(code_id)
        return encode_code_ids(ids)

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        ids = decode_code_ids(data)
        target = self.code_id(parent)
        return bool(ids) and all(self._may_move(i, target) for i in ids)

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        ids = decode_code_ids(data)
        target = self.code_id(parent)
        ids = [i for i in ids if self._may_move(i, target)]
        if ids:
            self.moveRequested.emit(ids, target)
        return False  # nothing to remove at the source: the database is the truth

    def _may_move(self, code_id: int, new_parent: int | None) -> bool:
        """A code cannot become its own descendant, and a drop on its current parent changes nothing."""
        node = self._by_id.get(code_id)
        if node is None or node.code is None or node.code.parent_id == new_parent:
            return False
        probe = self._by_id.get(new_parent) if new_parent is not None else None
        while probe is not None:
            if probe is node:
                return False
            probe = probe.parent if probe.parent is not self.root else None
        return True
