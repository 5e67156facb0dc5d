"""server search keeps a B-tree of terms: a word's turns, in order, without visiting them

Revision ID: 0012_server_search_terms
Revises: 0011_document_length
Create Date: 2026-12-03

A server project's search counted a word's turns by visiting every matching row's page (PostgreSQL 15's GIN
scans do), twice the time a project file takes. The index now keeps `search_terms`: each turn's words and runs
of two and three words in a B-tree, read by index-only scans (app/storage/server_search_terms.py). The upgrade fills
it from the turns' index rows. Nothing changes in a project file.
"""

from __future__ import annotations

from alembic import op

from app.storage import server_search_terms

revision = "0012_server_search_terms"
down_revision = "0011_document_length"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        server_search_terms.add(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in server_search_terms.drop_statements():
            op.execute(statement)
