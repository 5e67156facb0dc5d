"""document versions: a number per document that moves on every change of its text or turns

Revision ID: 0009_document_versions
Revises: 0008_search_fts5
Create Date: 2026-12-03

On a team server several coders work on one project at once. A coder correcting a transcript remembers the
version they started from; finishing against a document whose version moved meanwhile is refused and explained
instead of silently undoing the other coder's corrections. A plain ALTER TABLE (no batch rebuild), so the search
index triggers on documents stay in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_document_versions"
down_revision = "0008_search_fts5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    op.drop_column("documents", "version")  # SQLite 3.35+ drops a column in place (the triggers stay)
