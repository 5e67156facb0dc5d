"""anchor excerpts: a coding can be chosen as one of its code's anchor examples in the printed codebook

Revision ID: 0003_coding_anchors
Revises: 0002_document_edits
Create Date: 2026-11-29

The analyst picks up to three typical excerpts a code; the choice belongs to the project (it is made once and
used by every codebook export), so it is stored on the coding.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_coding_anchors"
down_revision = "0002_document_edits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anchor", sa.Boolean(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_column("anchor")
