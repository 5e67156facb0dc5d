"""Housekeeping that differs between a project file (SQLite) and a server project (PostgreSQL).

Erasing a participant or keeping a pseudonym map apart must leave no old bytes behind. In a file that is SQLite's
`secure_delete` (freed pages zeroed), `VACUUM` and folding the write-ahead log into the file. On a server, rows a
transaction deleted stay in their pages until `VACUUM` reclaims them; `VACUUM FULL` rewrites the tables, so no old
row version is left in them (the server's WAL archive and pg_dump backups are its administrator's to purge).
"""

from __future__ import annotations

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


def tidy_search_index(engine: Engine) -> None:
    """After a server's index was written whole: VACUUM (ANALYZE) its tables, as autovacuum would within a minute,
    so that a search reads pages already marked all-visible and is planned on fresh statistics (nothing to do in a
    file; a coder who does not own the tables gets a warning from the server and autovacuum does it later)."""
    if is_server_engine(engine):
        _outside_a_transaction(engine, f"VACUUM (ANALYZE) {', '.join(server_search_index.TABLES)}")


def _outside_a_transaction(engine: Engine, statement: str) -> None:
    """One statement on a server that cannot run inside a transaction (VACUUM), on a pooled connection put in
    autocommit for it and back."""
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        raw.rollback()
        driver.autocommit = True
        try:
            driver.execute(statement)
        finally:
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
