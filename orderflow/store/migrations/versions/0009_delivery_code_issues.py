"""Delivery codes get an issue number: an operator's re-open of an attempt issues a fresh code.

Revision ID: 0009_delivery_code_issues
Revises: 0003_webhooks
Create Date: 2026-12-02 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_delivery_code_issues"
down_revision: str | None = "0003_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_UNIQUE = "uq_deliverycode_order_id_attempt_issue"


def _table(*extra: sa.Column | sa.Constraint) -> sa.Table:
    # The table as the baseline made it, but for its unnamed unique constraint: SQLite cannot drop that one
    # by name, so batch mode copies from this definition instead of reflecting it.
    return sa.Table(
        "deliverycode",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("sealed_code", sa.LargeBinary(), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_deliverycode_order_id", "order_id"),
        *extra,
    )


def upgrade() -> None:
    issue = sa.Column("issue", sa.Integer(), nullable=False, server_default="1")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("deliverycode", copy_from=_table(), recreate="always") as batch_op:
            batch_op.add_column(issue)
            batch_op.create_unique_constraint(NEW_UNIQUE, ["order_id", "attempt", "issue"])
        return
    op.add_column("deliverycode", issue)
    op.drop_constraint("deliverycode_order_id_attempt_key", "deliverycode", type_="unique")
    op.create_unique_constraint(NEW_UNIQUE, "deliverycode", ["order_id", "attempt", "issue"])


def downgrade() -> None:
    # Keeps the newest code of each attempt: the one a customer may still hold.
    op.execute(
        "DELETE FROM deliverycode WHERE issue < "
        "(SELECT MAX(d.issue) FROM deliverycode d WHERE d.order_id = deliverycode.order_id "
        "AND d.attempt = deliverycode.attempt)"
    )
    with_issue = sa.Column("issue", sa.Integer(), nullable=False, server_default="1")
    if op.get_bind().dialect.name == "sqlite":
        copy = _table(with_issue, sa.UniqueConstraint("order_id", "attempt", "issue", name=NEW_UNIQUE))
        with op.batch_alter_table("deliverycode", copy_from=copy, recreate="always") as batch_op:
            batch_op.drop_constraint(NEW_UNIQUE, type_="unique")
            batch_op.drop_column("issue")
            batch_op.create_unique_constraint("deliverycode_order_id_attempt_key", ["order_id", "attempt"])
        return
    op.drop_constraint(NEW_UNIQUE, "deliverycode", type_="unique")
    op.drop_column("deliverycode", "issue")
    op.create_unique_constraint("deliverycode_order_id_attempt_key", "deliverycode", ["order_id", "attempt"])
