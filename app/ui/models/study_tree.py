"""The study as a tree: dyads -> sessions -> documents, the way researchers think about their material.

Documents of a dyad without a session number sit directly under the dyad; documents of no dyad under
"Not assigned to a dyad". The model is rebuilt from `study.list_documents` / `study.list_dyads` when the study
or the documents change (a few hundred rows: a reset is simpler and fast enough, and keeps the model honest).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from app.domain.plural import count
from app.services import study
from app.services.changes import Change
from app.services.study import DocumentSummary
from app.ui.context import AppContext
from app.ui.icons import kind_label, node_icon, perspective_icon
from app.ui.models.node_tree import Index, NodeTreeModel, TreeNode

DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NODE_KIND_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Name", "Kind")
SHORT_KINDS = {
    "session": "Session",
    "recall": "Recall",
    "note": "Note",
    "other": "Other",
}  # full names in tips



@dataclass(eq=False)
class Node(TreeNode):
    kind: str  # "root", "dyad", "session", "document", "unassigned"
    label: str
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    document: DocumentSummary | None = None
    tooltip: str = ""

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child



def build_tree(documents: list[DocumentSummary], dyads: list[study.DyadSummary]) -> Node:
    root = Node("root", "")
    dyad_nodes: dict[str, Node] = {}
    session_nodes: dict[tuple[str, int], Node] = {}
    for dyad in dyads:
        members = ", ".join(f"{name} ({role})" for name, role in dyad.members)
        node = root.add(Node("dyad", dyad.name, tooltip=dyad.description or members or dyad.name))
        dyad_nodes[dyad.name] = node
        for number in sorted(dyad.sessions):
            session_nodes[(dyad.name, number)] = node.add(Node("session", f"Session {number}"))
    unassigned: Node | None = None
    for doc in sorted(documents, key=lambda d: (d.dyad or "", d.session or 0, _kind_order(d.kind), d.name)):
        if doc.dyad is None:
            if unassigned is None:
                unassigned = Node("unassigned", "Not assigned to a dyad")
            parent = unassigned
        else:
            parent = dyad_nodes.get(doc.dyad) or _remember(
                dyad_nodes, doc.dyad, root.add(Node("dyad", doc.dyad))
            )
            if doc.session is not None:
                key = (doc.dyad, doc.session)
                parent = session_nodes.get(key) or _remember(
                    session_nodes, key, parent.add(Node("session", f"Session {doc.session}"))
                )
        perspective = doc.perspective or "no perspective"
        tip = f"{doc.name}\n{kind_label(doc.kind)} · {perspective}\n{count(doc.turns, 'turn')} · {count(doc.chars, 'character', thousands=True)}"
        parent.add(Node("document", doc.name, document=doc, tooltip=tip))
    if unassigned is not None:
        root.add(unassigned)
    return root


def _remember(table: dict, key: object, node: Node) -> Node:
    table[key] = node
    return node


def _kind_order(kind: str) -> int:
    return {"session": 0, "recall": 1, "note": 2}.get(kind, 3)


class StudyTreeModel(NodeTreeModel):
    columns = COLUMNS

    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.root = Node("root", "")
        context.changed.connect(self._on_change)
        self.reload()

    # -- loading -----------------------------------------------------------------------------------
    def reload(self) -> None:
        project = self.context.project
        self.beginResetModel()
        if project is None:
            self.root = Node("root", "")
        else:
            self.root = build_tree(study.list_documents(project), study.list_dyads(project))
        self.endResetModel()

    def _on_change(self, change: Change) -> None:
        if change.everything or change.study or change.documents:
            self.reload()

    def document_count(self) -> int:
        def count(node: Node) -> int:
            return (node.kind == "document") + sum(count(c) for c in node.children)

        return count(self.root)

    def index_of_document(self, doc_id: int) -> QModelIndex:
        def find(node: Node, parent: QModelIndex) -> QModelIndex:
            for row, child in enumerate(node.children):
                index = self.index(row, 0, parent)
                if child.document is not None and child.document.id == doc_id:
                    return index
                found = find(child, index)
                if found.isValid():
                    return found
            return QModelIndex()

        return find(self.root, QModelIndex())

    # -- QAbstractItemModel --------------------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node = self.node(index)
        doc = node.document
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return node.label
            return SHORT_KINDS.get(doc.kind, doc.kind) if doc is not None else None
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            if doc is not None:
                return perspective_icon(doc.perspective)
            return node_icon(node.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip or None
        if role == Qt.ItemDataRole.FontRole and node.kind == "dyad" and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == DOCUMENT_ID_ROLE:
            return doc.id if doc is not None else None
        if role == NODE_KIND_ROLE:
            return node.kind
        return None
