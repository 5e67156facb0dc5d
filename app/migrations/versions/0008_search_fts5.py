"""search index inside the project: SQLite FTS5 tables over turns and memos, kept current by triggers

Revision ID: 0008_search_fts5
Revises: 0007_audit_log
Create Date: 2026-12-03

Replaces the whoosh index in the user's cache folder. The upgrade creates the tables and triggers and indexes
every existing turn and memo (opening an older project backs it up first, then upgrades off the GUI thread).
The statements come from app/storage/search_index.py; a later migration that rebuilds the turns, documents,
memos or coders table in batch mode drops that table's triggers and must create them again.
"""

from __future__ import annotations

from alembic import op

from app.storage import search_index

revision = "0008_search_fts5"
down_revision = "0007_audit_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # a server project's search index: PostgreSQL full-text search (issue 23, i23search)
    for statement in search_index.create_statements():
        op.execute(statement)
    connection = op.get_bind()
    document_ids = [row[0] for row in connection.exec_driver_sql("SELECT id FROM documents ORDER BY id")]
    search_index.fill(connection, document_ids)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in search_index.drop_statements():
        op.execute(statement)
