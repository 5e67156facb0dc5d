"""Study structure after import: moving and renaming documents, deleting them with undo (original ids)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.errors import InvalidInput, NotFound
from app.services import study
from app.storage.models import Coding, Memo
from tests.study import StudyBuilder


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
    built = (
        StudyBuilder(project)
        .document("D01 s1", "T: hi\nC: ok\n", dyad="D01", session=1)
        .document("D02 s1", "T: hello\n", dyad="D02", session=1)
        .coder("Anna")
        .code("Trust")
        .coding("D01 s1", "Trust", span=(0, 5), coder="Anna", key="hi")
        .memo("coding", "hi", text="why")
        .memo("document", "D01 s1", phrase="T:", text="note")
        .study
    )
    return built.documents["D01 s1"], built.documents["D02 s1"]


def test_delete_and_restore_documents_with_codings_and_memos(project, project_path, two_documents) -> None:
    first, _ = two_documents
    before = dump(project_path)
    snapshot = study.delete_documents(project, [first])
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
    assert study.get_document(project, first).turns[1].speaker == "C"


def test_delete_unknown_document_changes_nothing(project, project_path, two_documents) -> None:
    before = dump(project_path)
    with pytest.raises(NotFound):
        study.delete_documents(project, [two_documents[0], 999])
    assert dump(project_path) == before


def test_update_document_moves_and_renames_and_returns_the_old_state(project, two_documents) -> None:
    first, _ = two_documents
    old = study.update_document(
        project, first, name="Renamed", dyad="D05", perspective="client", kind="recall"
    )
    assert (old.name, old.dyad, old.session, old.perspective, old.kind) == ("D01 s1", "D01", 1, None, "other")
    [moved] = [d for d in study.list_documents(project) if d.id == first]
    assert (moved.name, moved.dyad, moved.session, moved.perspective, moved.kind) == (
        "Renamed",
        "D05",
        1,
        "client",
        "recall",
    )
    study.update_document(project, first, session=None)
    assert study.get_document(project, first).session is None
    study.update_document(project, first, dyad=None)
    assert study.get_document(project, first).dyad is None
    with pytest.raises(InvalidInput, match="already a document"):
        study.update_document(project, first, name="D02 s1")
    with pytest.raises(InvalidInput, match="needs a dyad"):
        study.update_document(project, first, session=3)
    with pytest.raises(InvalidInput, match="not a perspective"):
        study.update_document(project, first, perspective="patient")
