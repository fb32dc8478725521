"""Audit notes and actors wide enough for the longest text the contract allows; the order row
remembers which stage change it shows (`stage_seq`) and which workflow run wrote it.

Revision ID: 0010_store_bounds
Revises: 0009_delivery_code_issues
Create Date: 2026-12-02 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_store_bounds"
down_revision: str | None = "0009_delivery_code_issues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.alter_column("note", existing_type=sa.String(length=500), type_=sa.String(length=1000))
        batch_op.alter_column("actor", existing_type=sa.String(length=64), type_=sa.String(length=128))

    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("workflow_run_id", sa.String(length=64), nullable=True))
    # Rows of running orders: the sequence number of the audit row that set their stage, so a late
    # write of an earlier stage cannot win once after the upgrade.
    op.execute(
        sa.text(
            'UPDATE "order" SET stage_seq = COALESCE((SELECT MAX(a.seq) FROM auditevent a'
            ' WHERE a.order_id = "order".order_id AND a.kind = \'stage\' AND a.stage = "order".stage), 0)'
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_column("workflow_run_id")
        batch_op.drop_column("stage_seq")

    # The narrower columns cannot hold longer text: cut it, as the older code would have had to.
    op.execute(sa.text("UPDATE auditevent SET note = SUBSTR(note, 1, 500) WHERE LENGTH(note) > 500"))
    op.execute(sa.text("UPDATE auditevent SET actor = SUBSTR(actor, 1, 64) WHERE LENGTH(actor) > 64"))
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.alter_column("actor", existing_type=sa.String(length=128), type_=sa.String(length=64))
        batch_op.alter_column("note", existing_type=sa.String(length=1000), type_=sa.String(length=500))
