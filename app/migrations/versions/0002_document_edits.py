"""document history: who corrected which document's text, when, and how

Revision ID: 0002_document_edits
Revises: 0001_initial
Create Date: 2026-11-29

Correcting a transcript after coding (a misheard word, a pseudonym) must be traceable: each edit records its
author, time and the exact changes, so a reader can audit the text a coding was made on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_document_edits"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coders.id"], name=op.f("fk_document_edits_coder_id_coders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_edits_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_edits")),
    )
    with op.batch_alter_table("document_edits", schema=None) as batch_op:
        batch_op.create_index("ix_document_edits_document", ["document_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document_edits", schema=None) as batch_op:
        batch_op.drop_index("ix_document_edits_document")
    op.drop_table("document_edits")
