"""Housekeeping that differs between a project file (SQLite) and a server project (PostgreSQL).

Erasing a participant or keeping a pseudonym map apart must leave no old bytes behind. In a file that is SQLite's
`secure_delete` (freed pages zeroed), `VACUUM` and folding the write-ahead log into the file. On a server, rows a
transaction deleted stay in their pages until `VACUUM` reclaims them; `VACUUM FULL` rewrites the tables, so no old
row version is left in them (the server's WAL archive and pg_dump backups are its administrator's to purge).
"""

from __future__ import annotations

import time

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.storage import server_search_index


def is_server_engine(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def secure_delete(session: Session) -> None:
    """Zero what this transaction frees (SQLite); on a server the later `vacuum` removes the old rows."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete=ON")


def fold_write_ahead_log(engine: Engine) -> None:
    """Copy a file's write-ahead log into the file and empty it (nothing to do on a server)."""
    if is_server_engine(engine):
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


SNAPSHOT_WAIT_S = 10.0
# The other sessions of this database holding a snapshot, each by its process and the start of its transaction.
_SNAPSHOTS = (
    "SELECT pid, xact_start FROM pg_stat_activity WHERE datname = current_database()"
    " AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL"
)


def tidy_search_index(engine: Engine, wait_s: float = SNAPSHOT_WAIT_S) -> None:
    """After a server's index was written whole: VACUUM (ANALYZE) its tables, as autovacuum would within a minute,
    so that a search reads pages already marked all-visible and is planned on fresh statistics (nothing to do in a
    file; a coder who does not own the tables gets a warning from the server and autovacuum does it later).

    VACUUM marks a page all-visible only when every transaction can see its rows, which the table of terms'
    index-only scans need; otherwise autovacuum, counting no new rows since this VACUUM, would not come back to
    it. So it first waits (`wait_s` at most) for the snapshots taken before the index was written to end (another
    coder's statement, autovacuum analysing the tables an import filled), and flushes the write-ahead log: a
    server that commits without waiting for the flush (`synchronous_commit = off`) cannot mark rows whose commit,
    or a later one near it, is not on disk yet."""
    if is_server_engine(engine):
        _wait_for_older_snapshots(engine, wait_s)
        _outside_a_transaction(
            engine,
            "SELECT txid_current()",  # one that writes a commit: the index's is on disk after it
            f"VACUUM (ANALYZE) {', '.join(server_search_index.TABLES)}",
            settings={"synchronous_commit": "on"},  # every commit waits for the log's flush up to it
        )


def _wait_for_older_snapshots(engine: Engine, wait_s: float) -> None:
    """Wait until every snapshot held now by another session has ended, `wait_s` seconds at most."""
    with engine.connect() as connection:
        older = set(connection.exec_driver_sql(_SNAPSHOTS).all())
        deadline = time.monotonic() + wait_s
        while older and time.monotonic() < deadline:
            time.sleep(0.05)
            connection.rollback()  # a fresh statistics snapshot of pg_stat_activity each time
            older &= set(connection.exec_driver_sql(_SNAPSHOTS).all())


def _outside_a_transaction(engine: Engine, *statements: str, settings: dict[str, str] | None = None) -> None:
    """Statements on a server that cannot run inside a transaction (VACUUM), each its own, on a pooled connection
    put in autocommit for them, with `settings` (name: value) for them, and then back as it was."""
    settings = settings or {}
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        raw.rollback()
        driver.autocommit = True
        try:
            for name, value in settings.items():
                driver.execute(f"SET {name} = {value}")
            for statement in statements:
                driver.execute(statement)
        finally:
            for name in settings:
                driver.execute(f"RESET {name}")
            driver.autocommit = False
    finally:
        raw.close()


def vacuum(engine: Engine) -> None:
    """Rewrite the database so deleted data is gone from it: VACUUM and fold the WAL (a file), VACUUM FULL (a
    server: the tables this user owns or may maintain; the server skips the others with a warning)."""
    if is_server_engine(engine):
        _outside_a_transaction(engine, "VACUUM FULL")
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()
