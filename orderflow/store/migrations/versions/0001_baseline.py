"""Baseline: the tables as `create_all` made them before the store had migrations.

A database from that time is stamped with this revision (see schema.migrate) and upgraded from here.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 15:50:47.456198
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "seq"),
    )
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditevent_order_id"), ["order_id"], unique=False)

    op.create_table(
        "deliverycode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("sealed_code", sa.LargeBinary(), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "attempt"),
    )
    with op.batch_alter_table("deliverycode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliverycode_order_id"), ["order_id"], unique=False)

    op.create_table(
        "order",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("customer_no", sa.String(length=64), nullable=False),
        sa.Column("ident_method", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("high_value", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_customer_no"), ["customer_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_stage"), ["stage"], unique=False)

    op.create_table(
        "sentmessage",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("to_email", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.String(), nullable=False),
        sa.Column("html_body", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("sentmessage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sentmessage_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sentmessage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sentmessage_order_id"))

    op.drop_table("sentmessage")
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_stage"))
        batch_op.drop_index(batch_op.f("ix_order_customer_no"))

    op.drop_table("order")
    with op.batch_alter_table("deliverycode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliverycode_order_id"))

    op.drop_table("deliverycode")
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditevent_order_id"))

    op.drop_table("auditevent")
