"""document length: each document's text length in code points, kept by the database

Revision ID: 0011_document_length
Revises: 0010_server_turn_texts
Create Date: 2026-12-03

Every coding checks that it fits its transcript, which needed the text's length: on a server `length(text)`
decompresses the whole transcript each time (about a millisecond for a 300 KB one). A generated column keeps
it: stored on PostgreSQL (computed once per change of the text), virtual in a file (SQLite computes it when read,
as before, and cannot add a stored one without rebuilding the table and its search triggers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_document_length"
down_revision = "0010_server_turn_texts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    stored = op.get_bind().dialect.name == "postgresql"  # PostgreSQL 15 keeps only stored generated columns
    op.add_column(
        "documents", sa.Column("length", sa.Integer(), sa.Computed("length(text)", persisted=stored), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("documents", "length")
