"""CQR workbench: core ideas per case and domain with their excerpts, audit comments and answers, rule settings

Revision ID: 0006_cqr
Revises: 0005_code_sets
Create Date: 2026-12-03

New tables only (nothing existing changes). Audit comments keep a label of what they were about, and lose
only the link (SET NULL) when that domain, category, core idea or coding is deleted, so the trail survives.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_cqr"
down_revision = "0005_code_sets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cqr_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cqr_settings")),
    )
    op.create_table(
        "cqr_core_ideas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("dyad_id", sa.Integer(), nullable=False),
        sa.Column("perspective", sa.String(length=20), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["coders.id"], name=op.f("fk_cqr_core_ideas_author_id_coders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"], ["codes.id"], name=op.f("fk_cqr_core_ideas_domain_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["dyad_id"], ["dyads.id"], name=op.f("fk_cqr_core_ideas_dyad_id_dyads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cqr_core_ideas")),
        sa.UniqueConstraint("dyad_id", "perspective", "domain_id", name=op.f("uq_cqr_core_ideas_dyad_id")),
        sa.UniqueConstraint("guid", name=op.f("uq_cqr_core_ideas_guid")),
    )
    op.create_index(op.f("ix_cqr_core_ideas_domain_id"), "cqr_core_ideas", ["domain_id"], unique=False)
    op.create_table(
        "cqr_audit_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("core_idea_id", sa.Integer(), nullable=True),
        sa.Column("coding_id", sa.Integer(), nullable=True),
        sa.Column("target_label", sa.Text(), nullable=False),
        sa.Column("auditor", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "target IN ('domain', 'category', 'core_idea', 'coding')",
            name=op.f("ck_cqr_audit_comments_target"),
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_cqr_audit_comments_code_id_codes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["coding_id"],
            ["codings.id"],
            name=op.f("fk_cqr_audit_comments_coding_id_codings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["core_idea_id"],
            ["cqr_core_ideas.id"],
            name=op.f("fk_cqr_audit_comments_core_idea_id_cqr_core_ideas"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cqr_audit_comments")),
        sa.UniqueConstraint("guid", name=op.f("uq_cqr_audit_comments_guid")),
    )
    op.create_table(
        "cqr_core_idea_excerpts",
        sa.Column("core_idea_id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coding_id"],
            ["codings.id"],
            name=op.f("fk_cqr_core_idea_excerpts_coding_id_codings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["core_idea_id"],
            ["cqr_core_ideas.id"],
            name=op.f("fk_cqr_core_idea_excerpts_core_idea_id_cqr_core_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("core_idea_id", "coding_id", name=op.f("pk_cqr_core_idea_excerpts")),
    )
    op.create_table(
        "cqr_audit_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('accepted', 'changed', 'kept')", name=op.f("ck_cqr_audit_answers_decision")
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["cqr_audit_comments.id"],
            name=op.f("fk_cqr_audit_answers_comment_id_cqr_audit_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cqr_audit_answers")),
    )
    op.create_index("ix_cqr_audit_answers_comment", "cqr_audit_answers", ["comment_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cqr_audit_answers_comment", table_name="cqr_audit_answers")
    op.drop_table("cqr_audit_answers")
    op.drop_table("cqr_core_idea_excerpts")
    op.drop_table("cqr_audit_comments")
    op.drop_index(op.f("ix_cqr_core_ideas_domain_id"), table_name="cqr_core_ideas")
    op.drop_table("cqr_core_ideas")
    op.drop_table("cqr_settings")
