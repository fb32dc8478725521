"""Delivery codes: one per attempt, sealed with the data key, never stored in plaintext."""

from datetime import datetime

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel


class DeliveryCode(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("order_id", "attempt", "issue", name="uq_deliverycode_order_id_attempt_issue"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(index=True, max_length=64)
    attempt: int
    # A re-opened attempt gets a fresh code: only the highest issue of an attempt is live.
    issue: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    sealed_code: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    valid_until: datetime
    created_at: datetime
