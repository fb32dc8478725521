"""Orders and their audit trail of stage changes and decisions."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Order(SQLModel, table=True):
    order_id: str = Field(primary_key=True, max_length=64)
    customer_no: str = Field(index=True, max_length=64)
    ident_method: str = Field(max_length=16)
    total: Decimal = Field(max_digits=14, decimal_places=2)
    currency: str = Field(max_length=3)
    high_value: bool
    stage: str = Field(max_length=32, index=True)
    stage_entered_at: datetime
    created_at: datetime


class AuditEvent(SQLModel, table=True):
    """Append-only: every stage change and decision, with who and when."""

    __table_args__ = (UniqueConstraint("order_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(index=True, max_length=64)
    # Per-order sequence number from the workflow: a retried write is recognised and skipped.
    seq: int
    kind: str = Field(max_length=32)  # "stage", "decision", "operator"
    stage: str = Field(max_length=32)
    actor: str = Field(max_length=64)  # "workflow", "agent:<id>", "courier:<id>", "operator:<id>"
    note: str = Field(default="", max_length=500)
    at: datetime
