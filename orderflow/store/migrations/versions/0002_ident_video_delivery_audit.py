"""Ident attempts, video sessions, delivery attempts; audit rows from outside the workflow.

Audit rows written by the sweeper, erasure or the CLI have no workflow `seq`; a `dedupe_key`
recognises retries of one-time events such as the deletion of an order's ID images.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 15:52:36.939427
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deliveryattempt",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("code_required", sa.Boolean(), nullable=False),
        sa.Column("delivery_mode", sa.String(length=32), nullable=False),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "attempt"),
    )
    with op.batch_alter_table("deliveryattempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveryattempt_order_id"), ["order_id"], unique=False)

    op.create_table(
        "identattempt",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("submission", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("document_type", sa.String(length=8), nullable=True),
        sa.Column("face_distance", sa.Float(), nullable=True),
        sa.Column("face_threshold", sa.Float(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "submission"),
    )
    with op.batch_alter_table("identattempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identattempt_order_id"), ["order_id"], unique=False)

    op.create_table(
        "videosession",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("session_id"),
    )
    with op.batch_alter_table("videosession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_videosession_order_id"), ["order_id"], unique=False)

    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=100), nullable=True))
        batch_op.alter_column("seq", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint("uq_auditevent_order_id_dedupe_key", ["order_id", "dedupe_key"])


def downgrade() -> None:
    # The older schema has no place for audit rows without a workflow sequence number.
    op.execute(sa.text("DELETE FROM auditevent WHERE seq IS NULL"))
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_constraint("uq_auditevent_order_id_dedupe_key", type_="unique")
        batch_op.alter_column("seq", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("dedupe_key")

    with op.batch_alter_table("videosession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_videosession_order_id"))

    op.drop_table("videosession")
    with op.batch_alter_table("identattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identattempt_order_id"))

    op.drop_table("identattempt")
    with op.batch_alter_table("deliveryattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveryattempt_order_id"))

    op.drop_table("deliveryattempt")
