"""The project file: created at head, older files backed up then upgraded, newer and foreign files refused."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from app.domain.errors import MigrationFailed, NotARapportProject, ProjectFromNewerVersion
from app.services.project import create_project, info, open_project
from app.storage import migrate
from app.storage.models import Base
from app.storage.search_index import is_index_table

FIRST_REVISION = "0001_initial"
# The search index's FTS5 tables are made by raw statements (0008_search_fts5), not described by the models.
COMPARE_OPTIONS = {
    "compare_type": True,
    "include_name": lambda name, type_, _parents: not (type_ == "table" and is_index_table(name)),
}


def make_old_project(path: Path, revision: str = FIRST_REVISION) -> None:
    """A project file as an older Rapport left it: schema at `revision`, with some data."""
    engine = migrate._migration_engine(path)
    with engine.begin() as connection:
        cfg = migrate.alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
    engine.dispose()
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.executemany(
            "INSERT INTO project_meta(key, value) VALUES (?, ?)",
            [("application", "rapport"), ("project_id", "old-project"), ("content_version", "3")],
        )
        con.execute(
            "INSERT INTO dyads(id, guid, name, description, created_at) "
            "VALUES (1, 'g-d1', 'D01', 'first dyad', '2025-01-01 10:00:00')"
        )
        con.execute(
            "INSERT INTO documents(id, guid, name, dyad_id, perspective, kind, text, text_hash, source_name,"
            " imported_at, modified_at) VALUES (1, 'g-doc', 'D01 session 1', 1, 'client', 'session',"
            " 'Client: hello', 'h', 'a.txt', '2025-01-01 10:00:00', '2025-01-01 10:00:00')"
        )


def table_rows(path: Path, table: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def test_new_project_is_at_head_and_empty(project_path: Path) -> None:
    with create_project(project_path) as project:
        facts = info(project)
        assert facts.schema == migrate.head_revision()
        assert facts.documents == 0 and facts.codes == 0
        assert project.project_id  # keys the search index


def test_new_project_refuses_to_overwrite(project_path: Path) -> None:
    project_path.write_bytes(b"precious")
    with pytest.raises(NotARapportProject, match="already exists"):
        create_project(project_path)
    assert project_path.read_bytes() == b"precious"


def test_migrated_schema_equals_models(tmp_path: Path) -> None:
    path = tmp_path / "fresh.rapport"
    migrate.create_project_file(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts=COMPARE_OPTIONS), Base.metadata)
    engine.dispose()
    assert diff == []


def schema_of(path: Path) -> list[tuple]:
    """Every table, index and trigger with the lines of its SQL as a set: Alembic's batch mode reflects a
    table's constraints into a set, so their order in the SQL differs from one run of the migrations to another."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        rows = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    return [
        (kind, name, table, frozenset(line.strip().rstrip(",") for line in (sql or "").splitlines()))
        for kind, name, table, sql in rows
    ]


def test_every_new_project_has_the_schema_the_migrations_make(tmp_path: Path) -> None:
    """New projects start from a copy of the first one the migrations built in this process: the copies have
    exactly the schema a run of every migration gives, and each is its own project."""
    migrated = tmp_path / "migrated.sqlite"
    migrate._upgrade(migrated)
    first, second = tmp_path / "first.rapport", tmp_path / "second.rapport"
    migrate.create_project_file(first)
    migrate.create_project_file(second)
    assert schema_of(first) == schema_of(second) == schema_of(migrated)
    with create_project(tmp_path / "third.rapport") as third, open_project(first) as opened:
        assert third.project_id != opened.project_id
        assert info(third).documents == 0


def test_upgraded_old_schema_equals_models(tmp_path: Path) -> None:
    path = tmp_path / "old.rapport"
    make_old_project(path)
    open_project(path).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts=COMPARE_OPTIONS), Base.metadata)
    engine.dispose()
    assert diff == []


def test_older_project_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.rapport"
    make_old_project(path)
    before_docs = table_rows(path, "documents")

    with open_project(path) as project:
        assert info(project).schema == migrate.head_revision()
        backup = project.upgraded_from_backup
        assert info(project).documents == 1

    assert backup is not None and backup.exists()
    assert backup.name.startswith("old.backup-") and backup.suffix == ".rapport"
    assert migrate.read_revision(backup) == FIRST_REVISION  # the backup is the untouched old file
    # The data is kept; 0009_document_versions adds each document's version, starting at 1, and
    # 0011_document_length its text's length in code points.
    assert table_rows(path, "documents") == [(*row, 1, len(row[8])) for row in before_docs]
    assert table_rows(path, "document_edits") == []


def test_newer_project_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.rapport"
    migrate.create_project_file(path)
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    before = path.read_bytes()
    with pytest.raises(ProjectFromNewerVersion, match="newer version of Rapport"):
        open_project(path)
    with pytest.raises(ProjectFromNewerVersion):
        open_project(path, read_only=True)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("future.backup-*"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not an SQLite database"),
        (b"Client: hello\nTherapist: hi\n", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 50, "damaged"),
    ],
)
def test_files_that_are_not_projects_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "odd.rapport"
    path.write_bytes(content)
    with pytest.raises(NotARapportProject, match=message):
        open_project(path)
    assert path.read_bytes() == content
    assert not (tmp_path / "odd.rapport.lock").exists()


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("CREATE TABLE recipes(name TEXT)")
    with pytest.raises(NotARapportProject, match="not a Rapport project"):
        open_project(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotARapportProject, match="does not exist"):
        open_project(tmp_path / "nowhere.rapport")


def test_failed_upgrade_leaves_the_project_exactly_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.rapport"
    make_old_project(path)
    # A table the next revision wants to create already exists: the upgrade must fail part-way.
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("CREATE TABLE document_edits(x INTEGER)")
    before = path.read_bytes()

    with pytest.raises(MigrationFailed, match="left as it was"):
        open_project(path)

    assert path.read_bytes() == before
    assert migrate.read_revision(path) == FIRST_REVISION
    assert not (tmp_path / "old.rapport.upgrading").exists()
    # and it can still be opened once the cause is gone
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("DROP TABLE document_edits")
    with open_project(path) as project:
        assert info(project).schema == migrate.head_revision()


def test_upgrade_builds_the_search_index_of_an_older_project(tmp_path: Path) -> None:
    from app.services import search

    path = tmp_path / "old.rapport"
    make_old_project(path, "0003_coding_anchors")
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("INSERT INTO turns(document_id, start, \"end\", speaker) VALUES (1, 0, 13, 'Client')")
        con.execute(
            "INSERT INTO memos(guid, target, document_id, title, text, created_at, updated_at)"
            " VALUES ('g-m', 'document', 1, 'Café', 'first hello', '2025-01-01', '2025-01-01')"
        )
    with open_project(path) as project:
        [hit] = search.search(project, "hello", memos=False).hits
        assert (hit.speaker, hit.matches) == ("Client", ((8, 13),))
        assert search.search(project, "cafe", kind="memo").total == 1
    downgraded = migrate._migration_engine(path)
    with downgraded.begin() as connection:
        cfg = migrate.alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0003_coding_anchors")
    downgraded.dispose()
    with contextlib.closing(sqlite3.connect(path)) as con:
        names = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
    assert not {name for name in names if name.startswith("search_")}
