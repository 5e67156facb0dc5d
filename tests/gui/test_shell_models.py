"""The study tree and code tree models: structure, refresh on change, drag data, and Qt's model contract."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from app.services import codebook
from app.services.importing import DocumentMeta, import_text
from app.ui.models.code_tree import (
    CODE_ID_ROLE,
    CODE_IDS_MIME,
    CodeTreeModel,
    decode_code_ids,
    encode_code_ids,
)
from app.ui.models.study_tree import DOCUMENT_ID_ROLE, NODE_KIND_ROLE, StudyTreeModel


def labels(model, parent: QModelIndex | None = None) -> list:
    parent = parent or QModelIndex()
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def test_study_tree_is_dyads_sessions_documents_with_kind_and_perspective(
    context, study, qtmodeltester
) -> None:
    model = StudyTreeModel(context)
    qtmodeltester.check(model)
    assert labels(model) == ["D01", "D02"]
    d01 = model.index(0, 0)
    assert labels(model, d01) == ["Session 1", "Session 2"]
    session_1 = model.index(0, 0, d01)
    assert labels(model, session_1) == ["D01 session 1", "D01 session 1 client recall"]
    recall = model.index(1, 0, session_1)
    assert recall.data(DOCUMENT_ID_ROLE) == study.documents["d01_s1_client_recall"]
    assert recall.siblingAtColumn(1).data() == "Recall"
    assert "Recall interview" in recall.data(Qt.ItemDataRole.ToolTipRole)
    assert "client" in recall.data(Qt.ItemDataRole.ToolTipRole)
    assert not recall.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert d01.data(NODE_KIND_ROLE) == "dyad"
    assert model.index_of_document(study.documents["d02_s1"]).data() == "D02 session 1"


def test_study_tree_follows_imports_and_keeps_documents_without_dyad(context, study, qtmodeltester) -> None:
    model = StudyTreeModel(context)
    import_text(context.project, name="Field note", text="A note.\n", meta=DocumentMeta(kind="note"))
    import_text(
        context.project, name="D03 s1", text="Client: Hello.\n", meta=DocumentMeta(dyad="D03", session=1)
    )
    assert labels(model) == ["D01", "D02", "D03", "Not assigned to a dyad"]
    assert labels(model, model.index(3, 0)) == ["Field note"]
    assert model.document_count() == 6
    qtmodeltester.check(model)


def test_code_tree_shows_hierarchy_and_counts_per_coder_filter(context, study, qtmodeltester) -> None:
    model = CodeTreeModel(context)
    qtmodeltester.check(model)
    assert labels(model) == ["Alliance", "Rupture", "Repair"]
    trust = model.index_of_code(study.codes["trust"])
    assert trust.parent().data() == "Alliance"
    assert trust.data(CODE_ID_ROLE) == study.codes["trust"]
    # Trust: Anna coded it in two documents, Ben once in one of them.
    assert (trust.siblingAtColumn(1).data(), trust.siblingAtColumn(2).data()) == (3, 2)
    model.set_coder_filter(study.coders["ben"])
    trust = model.index_of_code(study.codes["trust"])
    assert (trust.siblingAtColumn(1).data(), trust.siblingAtColumn(2).data()) == (1, 1)
    qtmodeltester.check(model)


def test_code_tree_refreshes_when_the_codebook_changes(context, study) -> None:
    model = CodeTreeModel(context)
    codebook.add_code(context.project, "Empathy")
    assert labels(model)[-1] == "Empathy"
    codebook.update_code(context.project, study.codes["rupture"], name="Tension")
    assert "Tension" in labels(model)


def test_code_tree_drags_code_ids_and_asks_to_move_on_drop(context, study) -> None:
    model = CodeTreeModel(context)
    repair = model.index_of_code(study.codes["repair"])
    mime = model.mimeData([repair, repair.siblingAtColumn(1)])
    assert bytes(mime.data(CODE_IDS_MIME).data()) == str(study.codes["repair"]).encode()
    assert decode_code_ids(encode_code_ids([3, 14])) == [3, 14]
    requests = []
    model.moveRequested.connect(lambda ids, parent: requests.append((ids, parent)))
    rupture = model.index_of_code(study.codes["rupture"])
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, rupture)
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, rupture) is False  # nothing removed here
    assert requests == [([study.codes["repair"]], study.codes["rupture"])]
    # A code cannot be dropped on its own descendant, nor where it already is.
    alliance_mime = model.mimeData([model.index_of_code(study.codes["alliance"])])
    safety = model.index_of_code(study.codes["safety"])
    assert not model.canDropMimeData(alliance_mime, Qt.DropAction.MoveAction, -1, 0, safety)
    assert not model.canDropMimeData(alliance_mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
