"""code sets: a parent code can hold mutually exclusive values, each child with a number for rating scales

Revision ID: 0005_code_sets
Revises: 0004_schema_rules
Create Date: 2026-12-03

Agreement on a set of values (a rupture type, a 1-5 rating) needs to know which parents are sets and, for the
interval and ratio levels, each value's number; both belong to the codebook, so they are stored on the code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_code_sets"
down_revision = "0004_schema_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_set", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("set_value", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.drop_column("set_value")
        batch_op.drop_column("is_set")
