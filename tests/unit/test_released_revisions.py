"""Released schema revisions never change, and projects from the first release (whose 0001 differed) upgrade.

Revision 0001 was edited after its release (its `document_edits` table moved to 0002), so projects of the first
release failed to upgrade. The fingerprints below pin each released revision: editing one fails this test.
A new schema change is a new revision file; add its fingerprint here when it is released.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from app.domain.errors import MigrationFailed, ProjectFromNewerVersion
from app.paths import migrations_dir
from app.services.project import info, open_project
from app.storage import migrate
from tests.cli_runner import rapport

RELEASED = {
    "0001_initial.py": "2257e89cfb56c464bd6d89843cb0626b5ea46129a72e9b450dca5f6010b92777",
    "0002_document_edits.py": "86efdf86aac05f01ceee97626430ebceea66a885875d2d46ec518b9173fbadda",
    "0003_coding_anchors.py": "1243829b0dec6c339b7b556483a0e92d05db2bb981cb34c511400e0ae537c422",
}


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


@pytest.mark.parametrize("name", sorted(RELEASED))
def test_a_released_revision_is_never_edited(name: str) -> None:
    path = migrations_dir() / "versions" / name
    assert path.is_file(), f"released revision {name} is missing"
    assert fingerprint(path) == RELEASED[name], (
        f"{name} was released and must not change; put a schema change in a new revision"
    )


def make_first_release_project(path: Path) -> None:
    """A project as the first release left it: its 0001 created document_edits too, and it says 0001."""
    engine = migrate._migration_engine(path)
    with engine.begin() as connection:
        cfg = migrate.alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0002_document_edits")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001_initial'")
    engine.dispose()
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.executemany(
            "INSERT INTO project_meta(key, value) VALUES (?, ?)",
            [("application", "rapport"), ("project_id", "first-release"), ("content_version", "1")],
        )
        con.execute(
            "INSERT INTO documents(id, guid, name, perspective, kind, text, text_hash, source_name,"
            " imported_at, modified_at) VALUES (1, 'g-doc', 'S1', 'client', 'session',"
            " 'Client: hello', 'h', 'a.txt', '2025-01-01 10:00:00', '2025-01-01 10:00:00')"
        )
        con.execute(
            "INSERT INTO document_edits(document_id, at, summary, detail_json)"
            " VALUES (1, '2025-01-02 10:00:00', 'fixed a name', '[]')"
        )


def test_a_first_release_project_is_upgraded_keeping_its_edit_history(tmp_path: Path) -> None:
    path = tmp_path / "first.rapport"
    make_first_release_project(path)
    result = rapport("info", path, "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["schema"] == migrate.head_revision()
    assert result.json()["documents"] == 1
    with contextlib.closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT summary FROM document_edits").fetchall() == [("fixed a name",)]
    assert len(list(tmp_path.glob("first.backup-*.rapport"))) == 1


def test_a_file_of_an_unknown_shape_is_refused_once_without_a_pile_of_backups(tmp_path: Path) -> None:
    path = tmp_path / "odd.rapport"
    make_first_release_project(path)
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("DROP TABLE document_edits")
        con.execute("CREATE TABLE document_edits(id INTEGER PRIMARY KEY, note TEXT)")
    before = path.read_bytes()
    for _ in range(3):
        result = rapport("info", path)
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert "left as it was" in result.stderr
    with pytest.raises(MigrationFailed):
        open_project(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("odd.backup-*"))


def test_an_unknown_older_revision_is_not_called_newer(tmp_path: Path) -> None:
    path = tmp_path / "dev.rapport"
    migrate.create_project_file(path)
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("UPDATE alembic_version SET version_num='0002_experimental'")
    with pytest.raises(ProjectFromNewerVersion, match="no released Rapport wrote") as caught:
        open_project(path)
    assert "newer" not in str(caught.value)


def test_upgraded_first_release_schema_equals_a_new_project(tmp_path: Path) -> None:
    path = tmp_path / "first.rapport"
    make_first_release_project(path)
    with open_project(path) as project:
        assert info(project).schema == migrate.head_revision()
    fresh = tmp_path / "fresh.rapport"
    migrate.create_project_file(fresh)

    def schema(p: Path) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(p)) as con:
            return con.execute(
                "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 2"
            ).fetchall()

    assert schema(path) == schema(fresh)
