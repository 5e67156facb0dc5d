"""rules in the schema: identical codings, a memo's target key, unique shortcuts

Revision ID: 0004_schema_rules
Revises: 0003_coding_anchors
Create Date: 2026-12-03

Rules that services kept are now the database's too, so no write path (import, merge, undo, a script) can break
them: one coder codes one span with one code once; a memo's target names the one key that is filled in; a digit
key belongs to at most one code. Projects that broke a rule are repaired first, losing nothing a user can see:
identical codings become one (their memos and anchor choice go to the one kept), a memo whose target key is
missing becomes a project memo, and a shortcut held twice stays with the first code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_schema_rules"
down_revision = "0003_coding_anchors"
branch_labels = None
depends_on = None

# the rule as released (a revision never follows later edits of the models)
MEMO_TARGET_KEY_RULE = (
    "(target = 'project' AND document_id IS NULL AND code_id IS NULL AND coding_id IS NULL AND dyad_id IS NULL)"
    " OR (target = 'document' AND document_id IS NOT NULL AND code_id IS NULL AND coding_id IS NULL AND dyad_id IS NULL)"
    " OR (target = 'code' AND code_id IS NOT NULL AND document_id IS NULL AND coding_id IS NULL AND dyad_id IS NULL)"
    " OR (target = 'coding' AND coding_id IS NOT NULL AND document_id IS NULL AND code_id IS NULL AND dyad_id IS NULL)"
    " OR (target = 'dyad' AND dyad_id IS NOT NULL AND document_id IS NULL AND code_id IS NULL AND coding_id IS NULL)"
)
_KEYS = ("document_id", "code_id", "coding_id", "dyad_id")
_DUPLICATES = """
    SELECT c.id AS duplicate, keep.id AS kept FROM codings c
    JOIN (SELECT MIN(id) AS id, document_id, code_id, coder_id, start, "end" FROM codings
          GROUP BY document_id, code_id, coder_id, start, "end" HAVING COUNT(*) > 1) keep
      ON c.document_id = keep.document_id AND c.code_id = keep.code_id AND c.coder_id = keep.coder_id
     AND c.start = keep.start AND c."end" = keep."end" AND c.id != keep.id
"""


def upgrade() -> None:
    bind = op.get_bind()
    pairs = bind.execute(sa.text(_DUPLICATES)).all()
    for duplicate, kept in pairs:
        bind.execute(
            sa.text("UPDATE memos SET coding_id = :kept WHERE coding_id = :dup"),
            {"kept": kept, "dup": duplicate},
        )
        bind.execute(
            sa.text(
                "UPDATE codings SET anchor = 1 WHERE id = :kept AND (SELECT anchor FROM codings WHERE id = :dup)"
            ),
            {"kept": kept, "dup": duplicate},
        )
        bind.execute(sa.text("DELETE FROM codings WHERE id = :dup"), {"dup": duplicate})
    # a memo whose target key is missing (or that names several) is kept as a project memo
    bind.execute(
        sa.text(
            f"UPDATE memos SET target = 'project', {', '.join(f'{k} = NULL' for k in _KEYS)}, start = NULL, "
            f'"end" = NULL WHERE NOT ({MEMO_TARGET_KEY_RULE})'
        )
    )
    bind.execute(
        sa.text(
            "UPDATE codes SET shortcut = NULL WHERE shortcut IS NOT NULL AND id != "
            "(SELECT MIN(other.id) FROM codes other WHERE other.shortcut = codes.shortcut)"
        )
    )
    op.create_index(
        "uq_codings_identical",
        "codings",
        ["document_id", "code_id", "coder_id", "start", "end"],
        unique=True,
    )
    op.create_index(
        "uq_codes_shortcut",
        "codes",
        ["shortcut"],
        unique=True,
        sqlite_where=sa.text("shortcut IS NOT NULL"),
        postgresql_where=sa.text("shortcut IS NOT NULL"),
    )
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_memos_target_key"), MEMO_TARGET_KEY_RULE)


def downgrade() -> None:
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_memos_target_key"), type_="check")
    op.drop_index("uq_codes_shortcut", table_name="codes")
    op.drop_index("uq_codings_identical", table_name="codings")
