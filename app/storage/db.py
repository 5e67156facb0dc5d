"""The SQLite engine: PRAGMAs on every connection, real transactions, one unit of work per user action."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.storage import cipher

SQLITE_HEADER = b"SQLite format 3\x00"


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


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on one project file. Read-only engines open the file with SQLite's `mode=ro`."""
    if cipher.is_encrypted(Path(path)):
        engine = _encrypted_engine(Path(path), read_only)
    else:
        if read_only:
            url = f"sqlite:///file:{Path(path).resolve().as_posix()}?mode=ro&uri=true"
        else:
            url = f"sqlite:///{Path(path).resolve().as_posix()}"
        engine = create_engine(url)

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
