"""The study tree's context menu: memos on a dyad or a document, shown in the memo dock."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QTreeView

from app.services import study
from app.ui.context import AppContext
from app.ui.models.study_tree import DOCUMENT_ID_ROLE, NODE_KIND_ROLE


def attach(tree: QTreeView, context: AppContext) -> None:
    tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    tree.customContextMenuRequested.connect(lambda point: _show_menu(tree, context, point))


def menu_for(tree: QTreeView, context: AppContext, point: QPoint) -> QMenu | None:
    """The menu for the node at `point` (None where there is nothing to offer)."""
    index = tree.indexAt(point)
    project = context.project
    if not index.isValid() or project is None:
        return None
    kind = index.data(NODE_KIND_ROLE)
    menu = QMenu(tree)
    if kind == "dyad":
        name = index.data(Qt.ItemDataRole.DisplayRole)
        dyad_id = next((d.id for d in study.list_dyads(project) if d.name == name), None)
        if dyad_id is None:
            return None
        menu.addAction(f"Memos on dyad {name}", lambda: context.memosRequested.emit("dyad", dyad_id))
    elif kind == "document":
        doc_id = index.data(DOCUMENT_ID_ROLE)
        menu.addAction("Memos on this document", lambda: context.memosRequested.emit("document", doc_id))
    else:
        return None
    menu.addAction("Memos on the project", lambda: context.memosRequested.emit("project", None))
    return menu


def _show_menu(tree: QTreeView, context: AppContext, point: QPoint) -> None:
    menu = menu_for(tree, context, point)
    if menu is not None:
        menu.popup(tree.viewport().mapToGlobal(point))
