"""server search keeps each turn's text: a hit reads its own text, not its whole document

Revision ID: 0010_server_turn_texts
Revises: 0009_document_versions
Create Date: 2026-12-03

A server project's search read the whole text of every document among its first hundred hits (one compressed
value each) to cut the hits' turns from it, which made a search several times slower than in a project file.
The index now keeps each turn's text in `search_turn_texts`, as the file project's FTS5 table keeps it; the
upgrade adds the table, its triggers' new bodies and a row for every turn. Nothing changes in a project file.
"""

from __future__ import annotations

from alembic import op

from app.storage import server_search_index

revision = "0010_server_turn_texts"
down_revision = "0009_document_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        server_search_index.add_turn_texts(op.get_bind())


def downgrade() -> None:
    """Nothing: the table stays, kept current by the triggers, and unread by the older search (revision 0008's
    downgrade drops it with the rest of the index)."""
