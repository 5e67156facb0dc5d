"""Move a project between a file and a team server database (or file to file), unchanged.

Every row of every table travels with its id: GUIDs, codings, memos, correction histories, anchors, code sets,
CQR work, the audit log (whose hash chain still verifies) and project_meta (the project id is kept). The target
must be new: a file that does not exist yet, or an empty database. The whole copy is one transaction on the
target (on a file: a working copy renamed into place at the end), so a failure or a cancel leaves nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain.errors import OperationCancelled, RapportError, ReadOnlyProject
from app.services import audit
from app.services.project import Project, explain_failure, open_project, storage_failures_explained
from app.storage import cipher, migrate, server, server_schema, upkeep
from app.storage.db import make_engine
from app.storage.queries import search as search_queries
from app.storage.queries import table_copy
from app.storage.server import is_server_address

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class CopyRefused(RapportError):
    """The copy cannot be made (the target is not new, the server refused...); nothing was written."""


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        counts = {name: self.tables.get(name, 0) for name in _COUNTED}
        return {
            "source": self.source,
            "target": self.target,
            "rows": self.rows,
            **counts,
            "tables": self.tables,
        }


# The tables a researcher recognises, counted beside the per-table figures.
_COUNTED = ("documents", "turns", "codes", "codings", "memos", "audit_log")


def with_password(address: str, password: str) -> str:
    """`address` with `password` put in it for one connection (never stored; empty: libpq's ~/.pgpass)."""
    if not password:
        return address
    return make_url(address).set(password=password).render_as_string(hide_password=False)


def location_of(target: str | Path) -> str:
    return server.redacted(str(target)) if is_server_address(target) else str(Path(target).resolve())


def copy_project(
    source: str | Path,
    target: str | Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    coder: str | None = None,
) -> CopyReport:
    """Copy the project at `source` (a file or a server address) to `target`, a new file or empty database.
    The source's audit log then records the copy (an export: what, where to, by whom)."""
    if str(source) == str(target):
        raise CopyRefused("The source and the target are the same project; name a new file or database.")
    _refuse_unusable_target(target)
    try:
        project = open_project(source, read_only=True)
    except ReadOnlyProject:  # an older file: upgraded first (after a backup), as every command does
        project = open_project(source)
    with closing(project):
        return copy_open_project(project, target, progress=progress, cancelled=cancelled, coder=coder)


def copy_open_project(
    project: Project,
    target: str | Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    coder: str | None = None,
) -> CopyReport:
    """Copy an open project (the window's, say) to `target`, reading it in one consistent snapshot. The copy
    holds the project as it was before the copy; the project's own audit log then records the copy."""
    _refuse_unusable_target(target)
    # the target's failures are explained where they happen; what is left comes from reading the source
    with storage_failures_explained(project.target), _snapshot(project.engine) as source:
        if is_server_address(target):
            tables = _copy_to_server(source, str(target), progress, cancelled)
        else:
            tables = _copy_to_file(source, Path(target), _passphrase_of(project), progress, cancelled)
    report = CopyReport(project.location, location_of(target), tables)
    with suppress(RapportError):  # a reader's role on a server may not write the log; the copy is whole
        audit.record_event(project, "export", {"what": "project copy", "to": report.target}, coder)
    return report


def _refuse_unusable_target(target: str | Path) -> None:
    if is_server_address(target):
        return
    path = Path(target)
    if path.exists():
        raise CopyRefused(f"{path} already exists; a copy is written to a new file only. Choose a new name.")
    if not path.parent.is_dir():
        raise CopyRefused(f"The folder {path.parent} does not exist.")


@contextmanager
def _snapshot(engine: Engine):
    """One read transaction over the whole source, so rows written meanwhile never half-appear."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def _passphrase_of(project: Project) -> str | None:
    """An encrypted project file's passphrase: its copy in a file is encrypted with it too (a server keeps its
    data under the lab's own protection: TLS, roles, disk encryption)."""
    if project.path is None or not cipher.is_encrypted(project.path):
        return None
    return cipher.passphrase_for(project.path)


def _copy_to_file(
    source: Connection, path: Path, passphrase: str | None, progress, cancelled
) -> dict[str, int]:
    work = path.with_name(path.name + ".copying")
    _remove_with_companions(work)
    try:
        migrate.create_project_file(work, passphrase)
        engine = make_engine(work)
        try:
            with engine.begin() as target:
                tables = _copy_rows(source, target, progress, cancelled, path.name)
        finally:
            engine.dispose()
        os.replace(work, path)
        if passphrase is not None:
            cipher.remember_passphrase(path, passphrase)
    except BaseException as exc:
        _remove_with_companions(work)
        if isinstance(exc, (RapportError, KeyboardInterrupt)):
            raise
        explained = explain_failure(exc, path)
        if explained is not None:
            raise explained from exc
        if isinstance(exc, (IntegrityError, DataError)):  # the source's data does not fit the schema
            raise CopyRefused(f"The copy to {path.name} failed, nothing was written: {_reason(exc)}") from exc
        raise
    return tables


def _remove_with_companions(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _copy_to_server(source: Connection, address: str, progress, cancelled) -> dict[str, int]:
    """Schema and rows in one server transaction: a failed copy leaves the database as empty as it was."""
    where = server.title_of(address)
    engine = server.make_server_engine(address)
    try:
        with engine.begin() as target:
            target.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": server_schema.SCHEMA_LOCK_KEY})
            if server_schema.tables_of(target):
                raise CopyRefused(
                    f"The database {where} is not empty; a project is copied into a new, empty database only "
                    "(createdb NAME, then copy again). Nothing was written."
                )
            _create_schema_in(target)
            tables = _copy_rows(source, target, progress, cancelled, where)
        upkeep.tidy_search_index(engine)  # the copy is in; its new index is tidied, as after a rebuild
        return tables
    except RapportError:
        raise
    except Exception as exc:
        explained = explain_failure(exc, address)
        if explained is not None:
            raise explained from exc
        if isinstance(exc, SQLAlchemyError):
            raise CopyRefused(f"The copy to {where} failed, nothing was written: {_reason(exc)}") from exc
        raise
    finally:
        engine.dispose()


def _create_schema_in(target: Connection) -> None:
    """The newest schema, made by the same migrations as `rapport new URL`, inside the copy's transaction (the
    tables belong to the database's owner role, as `rapport new URL` makes them)."""
    server_schema.act_as_database_owner(target)
    server_schema.upgrade_in(target)


def _copy_rows(source: Connection, target: Connection, progress, cancelled, where: str) -> dict[str, int]:
    """The rows go in with the search index's triggers off (a trigger a turn cuts the turn from its whole
    transcript each time: minutes on a large study); the index is then built once, in the same transaction."""

    def report(done: int, total: int, table: str) -> None:
        if progress is not None:
            what = table.replace("_", " ") if table else "the project"
            progress(done, total, f"Copying {what} to {where}…")

    indexed = table_copy.has_search_index(target)
    try:
        with table_copy.row_triggers_off(target):
            tables = table_copy.copy_rows(source, target, on_progress=report, cancelled=cancelled)
    except table_copy.CopyInterrupted:
        raise OperationCancelled("Copy cancelled; nothing was written.") from None
    if indexed:
        rows = sum(tables.values())
        if progress is not None:  # every row is in: the bar stays full while the index is built
            progress(rows, rows, f"Indexing {where} for search…")
        with Session(bind=target) as session:  # joins the target's transaction
            search_queries.rebuild_search_index(session, lambda _done, _total: None)
    return tables


def _reason(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
