"""Project files whose schema differs from what their recorded revision says, as released Rapports left them.

Revision 0001 was changed after it had been released: the first release's 0001 also created `document_edits`,
the table that revision 0002 creates today. A project made by that release says "0001_initial" yet already has
the table, so upgrading it ran 0002 into "table document_edits already exists". Such a file is recognised here
by its shape and re-stamped to the revision its schema really has, before the ordinary upgrade runs. Released
revisions are never edited again (tests/unit/test_released_revisions.py holds their fingerprints).
"""

from __future__ import annotations

from sqlalchemy import Connection

from app.domain.errors import MigrationFailed

# (recorded revision, table the released file already has, its columns, the revision the file really is at)
_KNOWN_SHAPES = (
    (
        "0001_initial",
        "document_edits",
        frozenset({"id", "document_id", "coder_id", "at", "summary", "detail_json"}),
        "0002_document_edits",
    ),
)


def _columns(connection: Connection, table: str) -> frozenset[str]:
    rows = connection.exec_driver_sql(f'PRAGMA table_info("{table}")').fetchall()
    return frozenset(row[1] for row in rows)


def restamp_released_shape(connection: Connection, revision: str) -> str:
    """The revision the file's schema really has (re-stamped in `connection`'s transaction if it differs)."""
    for recorded, table, columns, actual in _KNOWN_SHAPES:
        if revision != recorded:
            continue
        present = _columns(connection, table)
        if not present:
            return revision
        if present != columns:
            raise MigrationFailed(
                f"its table {table} does not have the shape any Rapport release gave it "
                f"(columns: {', '.join(sorted(present))})"
            )
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = ?", (actual,))
        return actual
    return revision
