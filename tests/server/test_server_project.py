"""A project is a file or a `postgresql://` URL: created in an empty database, opened, checked, upgraded."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from app.domain.errors import (
    NotARapportProject,
    NotOnServer,
    ProjectFromNewerVersion,
    ProjectMissing,
    ReadOnlyProject,
)
from app.services.project import create_project, info, open_project
from app.storage import migrate
from app.storage.models import Base
from app.storage.server import (
    database_name,
    host_label,
    is_server_address,
    make_server_engine,
    redacted,
    title_of,
)
from app.storage.server_schema import prepare_server_for_open
from tests.server.server_study import COMPARE_OPTIONS


def test_a_server_address_is_a_postgresql_url() -> None:
    assert is_server_address("postgresql://ana@db.lab.org/study")
    assert is_server_address("postgres://ana@db.lab.org:5433/study?sslmode=require")
    assert is_server_address("  PostgreSQL://ana@db/study")
    assert not is_server_address("study.rapport")
    assert not is_server_address("/home/ana/postgresql:/study.rapport")
    from pathlib import Path

    assert not is_server_address(Path("postgresql://x"))  # a Path is a file


def test_redacted_drops_every_password_and_keeps_the_rest() -> None:
    url = "postgresql://ana:s3cr%40t@db.lab.org:5433/study?sslmode=require&password=other&sslpassword=p"
    shown = redacted(url)
    assert "s3cr" not in shown and "other" not in shown and "sslpassword" not in shown
    assert shown == "postgresql://ana@db.lab.org:5433/study?sslmode=require"
    assert redacted("postgresql://db.lab.org/study") == "postgresql://db.lab.org/study"
    assert database_name(url) == "study" and host_label(url) == "db.lab.org:5433"
    assert title_of("postgresql://ana@db.lab.org/study") == "study on db.lab.org"


def test_create_and_reopen_a_server_project(pg_url: str) -> None:
    with create_project(pg_url) as project:
        assert project.is_server and project.path is None
        assert project.location == pg_url and project.name == database_name(pg_url)
        assert project.title == f"{database_name(pg_url)} on {host_label(pg_url)}"
        facts = info(project)
        assert facts.schema == migrate.head_revision() and facts.documents == 0
        first_id = project.project_id
        assert first_id
    with open_project(pg_url) as again:
        assert again.project_id == first_id
        assert again.target == pg_url
    with open_project(pg_url, read_only=True) as reader:
        assert reader.read_only and reader.read_only_reason == "it was opened read-only"
        with pytest.raises(ReadOnlyProject), reader.write():
            pass


def test_two_coders_open_one_server_project_for_writing_at_once(pg_url: str) -> None:
    """A server has no lock file: PostgreSQL's transactions are the concurrency control."""
    create_project(pg_url).close()
    with open_project(pg_url) as first, open_project(pg_url) as second:
        assert not first.read_only and not second.read_only


def test_a_server_project_is_created_once(pg_url: str) -> None:
    create_project(pg_url).close()
    with pytest.raises(NotARapportProject, match="already holds a Rapport project"):
        create_project(pg_url)


def test_an_empty_database_is_no_project_yet(pg_url: str) -> None:
    with pytest.raises(NotARapportProject, match="is empty; make it a project first"):
        open_project(pg_url)


def test_a_foreign_database_is_refused_and_left_alone(pg_url: str, pg_cluster) -> None:
    pg_cluster.sql("CREATE TABLE invoices(id int)", database=database_name(pg_url))
    for attempt in (create_project, open_project):
        with pytest.raises(NotARapportProject, match="holds other tables"):
            attempt(pg_url)
    tables = pg_cluster.sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database_name(pg_url)
    )
    assert tables.split() == ["invoices"]


def test_a_missing_database_is_named(pg_cluster) -> None:
    url = pg_cluster.url("no_such_study")
    with pytest.raises(ProjectMissing, match=r"There is no database no_such_study on 127\.0\.0\.1"):
        open_project(url)


def test_a_server_project_has_no_passphrase(pg_url: str) -> None:
    with pytest.raises(NotOnServer, match="not encrypted by Rapport"):
        create_project(pg_url, passphrase="secret")


def test_migrated_server_schema_equals_models(pg_url: str) -> None:
    create_project(pg_url).close()
    engine = make_server_engine(pg_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts=COMPARE_OPTIONS), Base.metadata)
    engine.dispose()
    assert diff == []


def test_a_newer_server_project_is_refused_unchanged(pg_url: str) -> None:
    create_project(pg_url).close()
    engine = make_server_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(ProjectFromNewerVersion, match=r"newer version of Rapport.*database was not changed"):
        open_project(pg_url)
    with pytest.raises(ProjectFromNewerVersion):
        open_project(pg_url, read_only=True)


def test_an_older_server_project_is_upgraded_in_one_transaction(pg_url: str) -> None:
    engine = make_server_engine(pg_url)
    with engine.begin() as connection:
        cfg = migrate.alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0006_cqr")
        connection.execute(
            text(
                "INSERT INTO project_meta(key, value) VALUES ('application', 'rapport'), ('project_id', 'old')"
            )
        )
    engine.dispose()
    with pytest.raises(ReadOnlyProject, match="must be upgraded"):
        open_project(pg_url, read_only=True)
    check = prepare_server_for_open(pg_url)
    assert check.revision == migrate.head_revision() and check.backup is None
    with open_project(pg_url) as project:
        assert info(project).schema == migrate.head_revision()
        assert project.project_id == "old"
