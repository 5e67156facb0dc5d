"""The SQLite engine: PRAGMAs on every connection, real transactions, one unit of work per user action."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.storage import cipher

SQLITE_HEADER = b"SQLite format 3\x00"
# A WAL reader needs room for its 32 KB shared-memory file beside the project.
NO_ROOM_FOR_SHM = 64 * 1024


def _configure_connection(dbapi_connection: sqlite3.Connection, read_only: bool) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so DDL and reads are
    # transactional too (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: an acknowledged action survives a crash of the process and of the machine.
            cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def read_only_uri(path: Path) -> str:
    """An SQLite URI that reads `path` without writing anything beside it.

    `mode=ro` still needs to create the `-shm` file of a WAL project; on a read-only disk (a CD, a locked
    share) or a full one that fails, so there the file is opened `immutable`, which is safe because nothing
    can change it meanwhile: unless a non-empty `-wal` lies beside it, whose content only `mode=ro` reads.
    """
    path = Path(path).resolve()
    wal = Path(str(path) + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    if not pending and (_cannot_write_beside(path)):
        return f"file:{path.as_posix()}?mode=ro&immutable=1"
    return f"file:{path.as_posix()}?mode=ro"


def _cannot_write_beside(path: Path) -> bool:
    if not os.access(path.parent, os.W_OK):
        return True
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return True
        return shutil.disk_usage(path.parent).free < NO_ROOM_FOR_SHM
    except OSError:
        return False


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on one project file. Read-only engines open the file with SQLite's `mode=ro`.

    SQL parameters are hidden from error messages and logs: they hold transcript text, which must never
    reach a terminal, a log file or a bug report."""
    if cipher.is_encrypted(Path(path)):
        engine = _encrypted_engine(Path(path), read_only)
    else:
        if read_only:
            url = f"sqlite:///{read_only_uri(path)}&uri=true"
        else:
            url = f"sqlite:///{Path(path).resolve().as_posix()}"
        engine = create_engine(url, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no branch - tiny adapter
        _configure_connection(dbapi_connection, read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")

    return engine


def _encrypted_engine(path: Path, read_only: bool) -> Engine:
    """An engine whose connections are keyed SQLCipher connections (see cipher.py). A passphrase that does not
    fit raises WrongPassphrase from the first connection."""
    return create_engine(
        f"sqlite:///{path.resolve().as_posix()}",
        module=cipher.sqlcipher_module(),
        creator=lambda: cipher.connect(path, read_only=read_only, check_same_thread=False),
        hide_parameters=True,  # parameters hold transcript text
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back on any exception."""
    session = factory()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False
