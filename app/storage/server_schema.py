"""The schema of a server project: create it in an empty database, check it before opening, upgrade it.

The same models and Alembic revisions as a project file. PostgreSQL's DDL is transactional, so creating or
upgrading happens in one transaction: it fully succeeds or leaves the database as it was, and no backup copy is
needed (a server is backed up with pg_dump by its administrator). An advisory lock makes two Rapports that open
one older database at once upgrade it once. The tables belong to the database's owner when the user is a member
of that role (a lab's team role), so every coder of the team may later upgrade them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from alembic import command
from sqlalchemy import Connection, text

from app import __version__
from app.domain.errors import MigrationFailed, NotARapportProject, RapportError, first_line
from app.storage import migrate
from app.storage.server import make_server_engine, redacted, title_of
from app.storage.server_failures import explain_server_failure

T = TypeVar("T")

SCHEMA_LOCK_KEY = 7_262_301  # pg_advisory_xact_lock key: one schema change at a time per database


def tables_of(connection: Connection) -> set[str]:
    rows = connection.execute(
        text("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")
    )
    return {row[0] for row in rows}


def _revision_in(connection: Connection, url: str) -> str | None:
    """The schema revision of a Rapport database; None for an empty one; refuses any other database."""
    tables = tables_of(connection)
    if not tables:
        return None
    if "alembic_version" not in tables or "project_meta" not in tables:
        raise NotARapportProject(
            f"The database {title_of(url)} holds other tables, not a Rapport project; give Rapport a database "
            "of its own."
        )
    marker = connection.execute(text("SELECT value FROM project_meta WHERE key = 'application'")).scalar()
    if marker != migrate.APPLICATION_MARKER:
        raise NotARapportProject(f"The database {title_of(url)} is not a Rapport project.")
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if not revision:
        raise NotARapportProject(
            f"The database {title_of(url)} has no schema version; it is not a usable project."
        )
    return revision


def align_id_sequences(connection: Connection) -> None:
    """Move every table's id sequence past the largest id in it. Rows written with explicit ids (a copied
    project, rows inserted by hand) do not advance PostgreSQL's sequences; the next insert would collide."""
    for table in sorted(tables_of(connection)):
        if not _has_id_column(connection, table):
            continue
        quoted = '"' + table.replace('"', '""') + '"'
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), COALESCE(MAX(id), 0) + 1, false) "
                f"FROM {quoted} HAVING pg_get_serial_sequence(:table, 'id') IS NOT NULL"
            ),
            {"table": quoted},
        )


def _has_id_column(connection: Connection, table: str) -> bool:
    found = connection.execute(
        text(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = :table AND column_name = 'id'"
        ),
        {"table": table},
    )
    return found.scalar() is not None


def act_as_database_owner(connection: Connection) -> None:
    """Create tables as the database's owner (a team role the user belongs to), not as the user."""
    owner, member = connection.execute(
        text(
            "SELECT r.rolname, pg_has_role(current_user, r.oid, 'MEMBER') FROM pg_catalog.pg_database d "
            "JOIN pg_catalog.pg_roles r ON r.oid = d.datdba WHERE d.datname = current_database()"
        )
    ).one()
    if member and owner != connection.execute(text("SELECT current_user")).scalar():
        quoted = owner.replace('"', '""')
        connection.execute(text(f'SET LOCAL ROLE "{quoted}"'))


def upgrade_in(connection: Connection) -> None:
    cfg = migrate.alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def _explained(exc: Exception, url: str) -> Exception:
    return explain_server_failure(exc, url) or exc


def create_server_project(url: str) -> None:
    """Make an empty database a project at the newest schema. Refuses a database that holds anything."""

    def make(connection: Connection) -> None:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        if _revision_in(connection, url) is not None:
            raise NotARapportProject(
                f"The database {title_of(url)} already holds a Rapport project; open it instead."
            )
        act_as_database_owner(connection)
        upgrade_in(connection)
        connection.execute(
            text("INSERT INTO project_meta(key, value) VALUES (:key, :value)"),
            [
                {"key": "application", "value": migrate.APPLICATION_MARKER},
                {"key": "project_id", "value": str(uuid.uuid4())},
                {"key": "created_at", "value": datetime.now().isoformat(timespec="seconds")},
                {"key": "created_by_version", "value": __version__},
                {"key": "content_version", "value": "0"},
            ],
        )

    _on_server(url, make, writing=True)


def _on_server(url: str, work: Callable[[Connection], T], *, writing: bool) -> T:
    """`work(connection)` in one transaction (`writing`) or on a read-only connection to `url`, on an engine of
    its own; a server failure becomes the RapportError naming it."""
    engine = make_server_engine(url, read_only=not writing)
    try:
        with engine.begin() if writing else engine.connect() as connection:
            return work(connection)
    except RapportError:
        raise
    except Exception as exc:
        raise _explained(exc, url) from exc
    finally:
        engine.dispose()


def read_server_revision(url: str) -> str:
    """The schema revision of a server project, refusing an empty database and anything not Rapport's."""
    revision = _on_server(url, lambda connection: _revision_in(connection, url), writing=False)
    if revision is None:
        raise NotARapportProject(
            f"The database {title_of(url)} is empty; make it a project first (rapport new {redacted(url)}, "
            "or File > Open server project)."
        )
    return revision


def is_empty_database(url: str) -> bool:
    """True when the database at `url` exists, answers and holds no table (ready for `create_server_project`)."""
    return _on_server(url, lambda connection: not tables_of(connection), writing=False)


def may_write(url: str) -> bool:
    """Whether the user's server role may change the project (an auditor's role may only read it)."""
    privileges = text(
        "SELECT has_table_privilege('codings', 'INSERT,UPDATE,DELETE') AND has_table_privilege('audit_log', 'INSERT')"
    )
    return _on_server(url, lambda connection: bool(connection.execute(privileges).scalar()), writing=False)


def prepare_server_for_open(url: str) -> migrate.OpenCheck:
    """Check a server project before opening it; upgrade it (in one transaction) when an older Rapport made it."""
    revision = read_server_revision(url)
    head = migrate.head_revision()
    if revision == head:
        return migrate.OpenCheck(revision, None)
    migrate.refuse_if_newer(title_of(url), revision)
    engine = make_server_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            if _revision_in(connection, url) != head:  # another Rapport may have upgraded it meanwhile
                act_as_database_owner(connection)
                upgrade_in(connection)
    except RapportError as exc:
        raise MigrationFailed(
            f"Upgrading {title_of(url)} failed: {exc} The project was left as it was."
        ) from exc
    except Exception as exc:
        explained = explain_server_failure(exc, url)
        reason = str(explained) if explained else first_line(str(getattr(exc, "orig", None) or exc))
        raise MigrationFailed(
            f"Upgrading {title_of(url)} failed ({reason}). The project was left as it was."
        ) from exc
    finally:
        engine.dispose()
    return migrate.OpenCheck(head, None)
