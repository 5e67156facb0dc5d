"""Alembic run from code: create a new project at head, back up and upgrade an older one, refuse a newer one.

An upgrade never touches the original until it has fully succeeded: the file is first copied to a timestamped
backup, then a working copy is migrated and checked, and only then moved over the original in one rename.

A new project is an empty database at head: the migrations build it once per process and later projects start
from a copy of those bytes, so every new project still has exactly the schema the migrations make.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event

from app import __version__
from app.domain.errors import (
    MigrationFailed,
    NotARapportProject,
    ProjectFromNewerVersion,
    StorageUnavailable,
    first_line,
)
from app.paths import migrations_dir
from app.storage import cipher
from app.storage.db import looks_like_sqlite, read_only_uri
from app.storage.failures import explain_storage_failure
from app.storage.released_shapes import restamp_released_shape

APPLICATION_MARKER = "rapport"


@dataclass(frozen=True)
class OpenCheck:
    revision: str
    backup: Path | None  # set when an older project was backed up and upgraded


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


@functools.cache
def _revision_scripts() -> ScriptDirectory:
    """The revision files, read once per process (they are part of the installed program, not of a project)."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _revision_scripts().get_current_head()
    assert head is not None, "app/migrations/versions holds no revision"
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in _revision_scripts().walk_revisions()}


def _migration_engine(path: Path):
    """An engine for migrating: real transactions, and foreign keys OFF so batch table copies never cascade."""
    engine = create_engine(
        f"sqlite:///{path.resolve().as_posix()}", hide_parameters=True, **cipher.engine_options(path)
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")

    return engine


def _upgrade(path: Path) -> None:
    engine = _migration_engine(path)
    try:
        with engine.begin() as connection:
            current = current_revision_of(connection)
            if current is not None:
                restamp_released_shape(connection, current)
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise MigrationFailed(f"the upgraded data breaks {len(problems)} references")
    finally:
        engine.dispose()


_empty_at_head: dict[str, bytes] = {}  # head revision -> the bytes of an empty database the migrations made
_empty_at_head_lock = threading.Lock()


def _write_empty_database_at_head(work: Path) -> None:
    """An empty database at the newest schema in `work`: made by the migrations the first time in a process,
    copied from those bytes afterwards (running eight migrations for every new project costs far more)."""
    head = head_revision()
    with _empty_at_head_lock:
        made = _empty_at_head.get(head)
        if made is None:
            _upgrade(work)
            _empty_at_head[head] = work.read_bytes()
            return
    work.write_bytes(made)


def create_project_file(path: Path, passphrase: str | None = None) -> None:
    """Create a new, empty project at the newest schema, encrypted when a passphrase is given.
    Refuses to overwrite an existing file."""
    path = Path(path)
    if path.exists():
        raise NotARapportProject(f"{path} already exists; choose a new file name.")
    if not path.parent.exists():
        raise NotARapportProject(f"The folder {path.parent} does not exist.")
    work = path.with_name(path.name + ".creating")
    work.unlink(missing_ok=True)
    try:
        _write_empty_database_at_head(work)
        with contextlib.closing(sqlite3.connect(work)) as con, con:
            con.executemany(
                "INSERT INTO project_meta(key, value) VALUES (?, ?)",
                [
                    ("application", APPLICATION_MARKER),
                    ("project_id", str(uuid.uuid4())),
                    ("created_at", datetime.now().isoformat(timespec="seconds")),
                    ("created_by_version", __version__),
                    ("content_version", "0"),
                ],
            )
        with contextlib.closing(sqlite3.connect(work)) as con:
            con.execute("PRAGMA journal_mode=WAL")
        if passphrase is not None:
            encrypted = path.with_name(path.name + ".encrypting")
            try:
                cipher.encrypt_file(work, encrypted, passphrase)
                os.replace(encrypted, work)
            finally:
                encrypted.unlink(missing_ok=True)
            cipher.remember_passphrase(path, passphrase)
        os.replace(work, path)
    finally:
        work.unlink(missing_ok=True)


def read_revision(path: Path) -> str:
    """The schema revision of a project file, refusing anything that is not a Rapport project."""
    path = Path(path)
    if not path.is_file():
        raise NotARapportProject(f"{path} does not exist.")
    if not looks_like_sqlite(path) and not cipher.is_encrypted(path):
        raise NotARapportProject(f"{path.name} is not a Rapport project (it is not an SQLite database).")
    try:
        connection = (
            cipher.connect(path, read_only=True)
            if cipher.is_encrypted(path)
            else sqlite3.connect(read_only_uri(path), uri=True)
        )
        with contextlib.closing(connection) as con:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables or "project_meta" not in tables:
                raise NotARapportProject(f"{path.name} is an SQLite database, but not a Rapport project.")
            marker = con.execute("SELECT value FROM project_meta WHERE key='application'").fetchone()
            if not marker or marker[0] != APPLICATION_MARKER:
                raise NotARapportProject(f"{path.name} is an SQLite database, but not a Rapport project.")
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except cipher.DATABASE_ERRORS as exc:
        raise explain_storage_failure(exc, path) or NotARapportProject(
            f"{path.name} cannot be read as a Rapport project ({exc})."
        ) from exc
    if not row:
        raise NotARapportProject(f"{path.name} has no schema version; it is not a usable Rapport project.")
    return row[0]


def backup_path_for(path: Path, when: datetime | None = None) -> Path:
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{counter}{path.suffix}")
        counter += 1
    return candidate


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file (the online backup API; includes committed WAL content).
    The copy of an encrypted project is encrypted with the same passphrase."""
    cipher.copy(source, target)


def _revision_number(revision: str) -> int | None:
    prefix = revision.split("_", 1)[0]
    return int(prefix) if prefix.isdigit() else None


def refuse_if_newer(path: Path | str, revision: str) -> None:
    """Refuse a schema this Rapport does not know, saying whether it is newer or an unknown older one.
    `path` is a project file, or (a str) how a server project is named in messages."""
    if revision in known_revisions():
        return
    name, what = (path.name, "file") if isinstance(path, Path) else (str(path), "database")
    number, head = _revision_number(revision), _revision_number(head_revision())
    if number is not None and head is not None and number <= head:
        raise ProjectFromNewerVersion(
            f"{name} has schema {revision}, which no released Rapport wrote (a test or development "
            f"version?); Rapport {__version__} cannot upgrade it. The {what} was not changed."
        )
    raise ProjectFromNewerVersion(
        f"{name} was saved by a newer version of Rapport (schema {revision}). "
        f"This is Rapport {__version__}; update Rapport to open it. The {what} was not changed."
    )


def prepare_for_open(path: Path) -> OpenCheck:
    """Check a project before opening it; upgrade it (after a backup) when it comes from an older Rapport."""
    path = Path(path)
    revision = read_revision(path)
    head = head_revision()
    if revision == head:
        return OpenCheck(revision, None)
    refuse_if_newer(path, revision)
    backup = backup_path_for(path)
    work = path.with_name(path.name + ".upgrading")
    work.unlink(missing_ok=True)
    try:
        copy_database(path, backup)
        copy_database(path, work)
        _upgrade(work)
        _checkpoint_and_close(path)
        os.replace(work, path)
    except MigrationFailed as exc:
        backup.unlink(missing_ok=True)  # the original is untouched: a copy of it per failed attempt helps no one
        raise MigrationFailed(f"Upgrading {path.name} failed: {exc}. The project was left as it was.") from exc
    except Exception as exc:
        backup.unlink(missing_ok=True)
        explained = explain_storage_failure(exc, path)
        if explained is not None and not isinstance(explained, StorageUnavailable):
            raise explained from exc
        reason = first_line(str(getattr(exc, "orig", None) or exc))
        raise MigrationFailed(
            f"Upgrading {path.name} failed ({reason}). The project was left as it was."
        ) from exc
    finally:
        work.unlink(missing_ok=True)
    return OpenCheck(head, backup)


def _checkpoint_and_close(path: Path) -> None:
    """Fold any WAL into the file so no stale -wal survives beside the upgraded copy."""
    cipher.checkpoint(path)


def current_revision_of(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
