"""What the server tests share."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from app.storage.search_index import is_index_table

# The search index's tables are made by raw statements (0008_search_fts5 and its server branch), not by the models.
COMPARE_OPTIONS = {
    "compare_type": True,
    "include_name": lambda name, type_, _parents: not (type_ == "table" and is_index_table(name)),
}


def after_explicit_ids(session) -> None:
    """A test that inserts rows with explicit ids calls this: on a server the id sequences move past them (as
    `rapport copy` does), on a file nothing is needed."""
    if session.get_bind().dialect.name == "postgresql":
        from app.storage.server_schema import align_id_sequences

        align_id_sequences(session.connection())


class SharedServerProject:
    """One server project (made by `create_project`) that the `both_backends` tests take turns on: after each
    test every table is emptied (DELETE, sequences back to 1, triggers off for the admin's session) and the
    project's facts are written back with a new project id. Much quicker than a database per test; a test that
    still holds a lock when it ends makes the reset fall back to a fresh database."""

    RESET_LOCK_TIMEOUT = "5s"

    def __init__(self, cluster) -> None:
        from app.services.project import create_project

        self.cluster = cluster
        self._connection = None
        self.url = cluster.new_database("rapport_shared")
        create_project(self.url).close()
        self.meta = self._admin().execute("SELECT key, value FROM project_meta").fetchall()

    def _admin(self):
        """The admin's connection, kept between resets (made again if a test ended every session)."""
        import psycopg

        if self._connection is not None and not self._connection.closed:
            try:
                self._connection.execute("SELECT 1")
                return self._connection
            except psycopg.OperationalError:
                self._connection.close()
        self._connection = psycopg.connect(self.url, autocommit=True)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()

    def reset(self) -> None:
        """Every row deleted (cheaper than TRUNCATE, which makes new files for each of the 25 tables and their
        indexes) and every id sequence back to 1, with triggers off for the admin's session (the audit log
        refuses deletes; foreign keys are triggers too)."""
        import uuid

        import psycopg

        connection = self._admin()
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
            )
        ]
        sequences = [
            row[0]
            for row in connection.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
            )
        ]
        try:
            connection.execute(f"SET lock_timeout = '{self.RESET_LOCK_TIMEOUT}'")
            connection.execute("SET session_replication_role = replica")
            with connection.transaction():
                for table in tables:
                    connection.execute(f'DELETE FROM "{table}"')
                for sequence in sequences:
                    connection.execute(f"SELECT setval('\"{sequence}\"', 1, false)")
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO project_meta(key, value) VALUES (%s, %s)",
                        [(k, str(uuid.uuid4()) if k == "project_id" else v) for k, v in self.meta],
                    )
            return
        except psycopg.errors.LockNotAvailable:
            pass
        connection.close()
        self.cluster.drop_database(self.url)  # something still holds the project: start over
        self.__init__(self.cluster)


def new_project(target):
    """Open the new project at a `project_target`: create the file, or open the server database (which the
    fixture already made a new, empty project)."""
    from app.services.project import create_project, open_project

    return open_project(target) if isinstance(target, str) else create_project(target)


@contextmanager
def refused_by_schema():
    """The block's write must be refused by a schema rule: the IntegrityError itself (a file project, where one
    writer at a time makes a broken rule a bug), or on a server the clear RapportError it became (there a unique
    value is usually another coder's transaction taking it first; see concurrent_writes.unique_race)."""
    from sqlalchemy.exc import IntegrityError

    from app.domain.errors import RapportError

    with pytest.raises((IntegrityError, RapportError)) as raised:
        yield
    if not isinstance(raised.value, IntegrityError):
        assert isinstance(raised.value.__cause__, IntegrityError), raised.value
