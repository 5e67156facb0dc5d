"""Study structure after import: moving and renaming documents, deleting them with undo (original ids)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.errors import InvalidInput, NotFound
from app.services import study
from app.services.importing import DocumentMeta, import_text
from app.storage.models import Code, Coder, Coding, Memo


def dump(path: Path) -> list[str]:
    """The project's rows as SQL, without the search index's FTS5 pages (their layout changes when rows are
    deleted and written again; what they find is checked by the search tests)."""
    connection = sqlite3.connect(path)
    try:
        return [
            line for line in connection.iterdump() if '"search_' not in line and "search_" not in line[:40]
        ]
    finally:
        connection.close()


@pytest.fixture
def two_documents(project):
    first = import_text(
        project, name="D01 s1", text="T: hi\nC: ok\n", meta=DocumentMeta(dyad="D01", session=1)
    )
    second = import_text(project, name="D02 s1", text="T: hello\n", meta=DocumentMeta(dyad="D02", session=1))
    with project.write() as session:
        coder = Coder(name="Anna")
        code = Code(name="Trust")
        session.add_all([coder, code])
        session.flush()
        coding = Coding(document_id=first.id, code_id=code.id, coder_id=coder.id, start=0, end=5)
        session.add(coding)
        session.flush()
        session.add_all(
            [
                Memo(target="coding", coding_id=coding.id, text="why"),
                Memo(target="document", document_id=first.id, start=0, end=2, text="note"),
            ]
        )
    return first, second


def test_delete_and_restore_documents_with_codings_and_memos(project, project_path, two_documents) -> None:
    first, _ = two_documents
    before = dump(project_path)
    snapshot = study.delete_documents(project, [first.id])
    assert [d.name for d in study.list_documents(project)] == ["D02 s1"]
    assert set(snapshot.rows) >= {"documents", "turns", "codings", "memos"}
    assert len(snapshot.rows["memos"]) == 2 and len(snapshot.rows["turns"]) == 2
    with project.read() as session:
        assert session.query(Coding).count() == 0 and session.query(Memo).count() == 0
    study.restore_documents(project, snapshot)
    after = dump(project_path)
    # identical rows and ids; only the content version moved on (two more changes of document text)
    assert [line for line in after if "content_version" not in line] == [
        line for line in before if "content_version" not in line
    ]
    assert study.get_document(project, first.id).turns[1].speaker == "C"


def test_delete_unknown_document_changes_nothing(project, project_path, two_documents) -> None:
    before = dump(project_path)
    with pytest.raises(NotFound):
        study.delete_documents(project, [two_documents[0].id, 999])
    assert dump(project_path) == before


def test_update_document_moves_and_renames_and_returns_the_old_state(project, two_documents) -> None:
    first, _ = two_documents
    old = study.update_document(
        project, first.id, name="Renamed", dyad="D05", perspective="client", kind="recall"
    )
    assert (old.name, old.dyad, old.session, old.perspective, old.kind) == ("D01 s1", "D01", 1, None, "other")
    [moved] = [d for d in study.list_documents(project) if d.id == first.id]
    assert (moved.name, moved.dyad, moved.session, moved.perspective, moved.kind) == (
        "Renamed",
        "D05",
        1,
        "client",
        "recall",
    )
    study.update_document(project, first.id, session=None)
    assert study.get_document(project, first.id).session is None
    study.update_document(project, first.id, dyad=None)
    assert study.get_document(project, first.id).dyad is None
    with pytest.raises(InvalidInput, match="already a document"):
        study.update_document(project, first.id, name="D02 s1")
    with pytest.raises(InvalidInput, match="needs a dyad"):
        study.update_document(project, first.id, session=3)
    with pytest.raises(InvalidInput, match="not a perspective"):
        study.update_document(project, first.id, perspective="patient")
