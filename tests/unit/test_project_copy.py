"""`copy_project`: a project copied to a new file or an empty server database, and back, arrives unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from app.domain.errors import OperationCancelled
from app.services import audit, copying, search
from app.services.project import create_project, open_project
from tests.copy_study import build_edited_study, table_contents
from tests.demo_copies import copy_of_demo


@pytest.fixture(scope="module")
def edited_study(demo_original, tmp_path_factory):
    path = tmp_path_factory.mktemp("edited") / "edited.rapport"
    build_edited_study(copy_of_demo(demo_original, path)).close()
    return path


@pytest.fixture(scope="module")
def demo_study(demo_original, tmp_path_factory):
    return copy_of_demo(demo_original, tmp_path_factory.mktemp("demo") / "demo.rapport")


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


@pytest.mark.parametrize("study", ["demo_study", "edited_study"])
def test_file_to_server_to_file_gives_identical_tables(study, request, pg_url, tmp_path):
    source = request.getfixturevalue(study)
    before = table_contents(source)
    copying.copy_project(source, pg_url)
    on_server = table_contents(pg_url)
    assert on_server == before
    back = tmp_path / "back.rapport"
    report = copying.copy_project(pg_url, back)
    assert table_contents(back) == before
    assert report.source == pg_url and report.rows == sum(len(rows) for rows in before.values())
    with open_project(pg_url) as served, open_project(back) as returned:
        assert served.project_id == returned.project_id == before_project_id(before) != ""
        assert audit.verify(served).ok and audit.verify(returned).ok
        # the server's log records the copy back to a file; the file's copy ends just before it
        assert audit.entries(served)[-1].detail == {"what": "project copy", "to": str(back)}


def before_project_id(contents) -> str:
    return next(row["value"] for row in contents["project_meta"] if row["key"] == "project_id")


def test_a_server_copy_keeps_parents_before_children_and_fresh_ids_after_the_copied_ones(
    edited_study, pg_url
):
    copying.copy_project(edited_study, pg_url)
    contents = table_contents(pg_url)
    assert any(row["parent_id"] and row["parent_id"] > row["id"] for row in contents["codes"])
    with open_project(pg_url) as project:
        from app.services.coding import ensure_coder

        new_coder = ensure_coder(project, "Newcomer")
    assert new_coder == max(row["id"] for row in contents["coders"]) + 1
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:  # the triggers turned off for the copy are on again: the audit log stays append-only
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text("UPDATE audit_log SET coder = 'someone else'"))
    finally:
        engine.dispose()


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


def test_a_cancelled_copy_to_a_server_leaves_the_database_empty(edited_study, pg_url):
    calls = iter(range(10**6))
    with pytest.raises(OperationCancelled):
        copying.copy_project(edited_study, pg_url, cancelled=lambda: next(calls) > 3)  # after a few tables
    assert table_names(pg_url) == []


def test_a_copy_refuses_a_server_database_that_is_not_empty(edited_study, pg_url):
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE lab_notes (id integer)"))
    engine.dispose()
    with pytest.raises(copying.CopyRefused, match="not empty"):
        copying.copy_project(edited_study, pg_url)
    assert table_names(pg_url) == ["lab_notes"]


def test_a_copy_refuses_a_server_database_that_already_holds_a_project(edited_study, pg_url):
    create_project(pg_url).close()
    with pytest.raises(copying.CopyRefused, match="not empty"):
        copying.copy_project(edited_study, pg_url)
    with open_project(pg_url) as project:
        assert project.project_id and audit.entries(project) == []


def table_names(address: str) -> list[str]:
    engine = create_engine(address.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            return sorted(row[0] for row in rows)
    finally:
        engine.dispose()
