"""audit log: an append-only, hash-chained record of who opened, imported, exported, erased... what

Revision ID: 0007_audit_log
Revises: 0006_cqr
Create Date: 2026-12-03

Every project (plain or encrypted) keeps the log. Triggers refuse UPDATE and DELETE on it; the hash chain
shows any change made around them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_audit_log"
down_revision = "0006_cqr"
branch_labels = None
depends_on = None

NO_CHANGE = "SELECT RAISE(ABORT, 'the audit log is append-only')"
# PostgreSQL: one PL/pgSQL function refuses row changes; TRUNCATE (which fires no row trigger) is refused too.
PG_FUNCTION = (
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
)
PG_TRIGGERS = (
    ("audit_log_no_update", "BEFORE UPDATE", "FOR EACH ROW"),
    ("audit_log_no_delete", "BEFORE DELETE", "FOR EACH ROW"),
    ("audit_log_no_truncate", "BEFORE TRUNCATE", "FOR EACH STATEMENT"),
)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("coder", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for name, when, each in PG_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {name} {when} ON audit_log {each} EXECUTE FUNCTION audit_log_append_only()"
            )
        return
    op.execute(f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN {NO_CHANGE}; END")
    op.execute(f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN {NO_CHANGE}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table("audit_log")  # its triggers go with it
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.drop_table("audit_log")
