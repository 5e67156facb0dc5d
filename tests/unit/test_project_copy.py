"""`copy_project`: a project file copied to a new file or an empty server database arrives unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from app.domain.errors import OperationCancelled
from app.services import audit, copying, search
from app.services.project import open_project
from tests.copy_study import build_edited_study, table_contents


@pytest.fixture(scope="module")
def edited_study(tmp_path_factory):
    path = tmp_path_factory.mktemp("edited") / "edited.rapport"
    build_edited_study(path).close()
    return path


def test_a_file_copied_to_a_new_file_holds_every_row_unchanged(edited_study, tmp_path):
    target = tmp_path / "copy.rapport"
    before = table_contents(edited_study)
    progress: list[tuple[int, int]] = []
    report = copying.copy_project(edited_study, target, progress=lambda d, t, _m: progress.append((d, t)))
    assert table_contents(target) == before
    assert report.rows == progress[-1][0] == progress[-1][1] > 0
    assert report.tables["codings"] > 0 and report.tables["document_edits"] > 0
    with open_project(target) as copy, open_project(edited_study, read_only=True) as original:
        assert audit.verify(copy).ok
        found = search.search(copy, "trust OR feel").total
        assert found == search.search(original, "trust OR feel").total > 0  # the copy's index is whole
        copied = audit.entries(original)[-1]
        assert (copied.action, copied.detail) == ("export", {"what": "project copy", "to": str(target)})
        assert audit.verify(original).ok
        assert not list(tmp_path.glob("*.copying*"))


def test_a_copy_never_overwrites_an_existing_file(edited_study, tmp_path):
    target = tmp_path / "taken.rapport"
    target.write_bytes(b"mine")
    with pytest.raises(copying.CopyRefused, match="already exists"):
        copying.copy_project(edited_study, target)
    assert target.read_bytes() == b"mine"


def test_a_cancelled_copy_leaves_no_file(edited_study, tmp_path):
    target = tmp_path / "cancelled.rapport"
    before = table_contents(edited_study)
    with pytest.raises(OperationCancelled):
        copying.copy_project(edited_study, target, cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []
    assert table_contents(edited_study) == before  # a copy that did not happen is not in the audit log


def test_a_file_copied_to_an_empty_server_database_holds_every_row(edited_study, pg_url):
    before = table_contents(edited_study)
    copying.copy_project(edited_study, pg_url)
    contents = table_contents(pg_url)
    assert contents == before
    codes = {row["id"]: row for row in contents["codes"]}
    assert any(row["parent_id"] and row["parent_id"] > row["id"] for row in codes.values())
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:  # the id sequences were moved past the copied ids
        new_id = connection.execute(
            text(
                "INSERT INTO coders (guid, name, color, created_at) VALUES ('g', 'New', '#000000', now()) RETURNING id"
            )
        ).scalar_one()
    engine.dispose()
    assert new_id == max(row["id"] for row in contents["coders"]) + 1


def test_a_copy_refuses_a_server_database_that_is_not_empty(edited_study, pg_url):
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE lab_notes (id integer)"))
    engine.dispose()
    with pytest.raises(copying.CopyRefused, match="not empty"):
        copying.copy_project(edited_study, pg_url)
