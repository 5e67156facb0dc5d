"""What every tree model over an in-memory node tree needs: index, parent, row and column counts.

A node has `parent` (None for the invisible root) and `children`; each `QModelIndex` points at its node
(`internalPointer`). Subclasses set `columns`, build `self.root`, and add `data`, `flags` and headers. Models
that patch their tree in place (insert, move, remove rows) keep using `index_of_node` for the begin/end calls.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument


class TreeNode:
    """Mixin for a node class (usually a dataclass) with `parent` and `children` attributes."""

    parent: Any
    children: list[Any]

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent is not None else 0


class NodeTreeModel(QAbstractItemModel):
    columns: tuple[str, ...] = ()
    root: Any

    def node(self, index: Index) -> Any:
        return index.internalPointer() if index.isValid() else self.root

    def index_of_node(self, node: TreeNode, column: int = 0) -> QModelIndex:
        return QModelIndex() if node is self.root else self.createIndex(node.row(), column, node)

    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        node = self.node(parent)
        if not (0 <= row < len(node.children) and 0 <= column < len(self.columns)):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = ROOT):  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        up = self.node(index).parent
        if up is None or up is self.root:
            return QModelIndex()
        return self.createIndex(up.row(), 0, up)

    def rowCount(self, parent: Index = ROOT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = ROOT) -> int:
        return len(self.columns)
