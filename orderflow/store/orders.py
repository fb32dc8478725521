"""Orders: one row per order with its current stage; the stage history is the audit trail."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel

from orderflow.store.audit import AuditEvent

__all__ = ["AuditEvent", "Order", "OrderBase", "OrderPublic", "order_known"]


class OrderBase(SQLModel):
    order_id: str = Field(primary_key=True, max_length=64)
    # The customer's number at the shop; replaced by a random placeholder when the customer's
    # personal data is erased (the order stays, it is a commercial record).
    customer_no: str = Field(index=True, max_length=64)
    ident_method: str = Field(max_length=16)
    total: Decimal = Field(max_digits=14, decimal_places=2)
    currency: str = Field(max_length=3)
    high_value: bool
    stage: str = Field(max_length=32, index=True)
    stage_entered_at: datetime
    created_at: datetime


class Order(OrderBase, table=True):
    # The workflow's sequence number of the stage change shown: background writes land in any order,
    # and several changes in one workflow task share a timestamp, so only the sequence tells which is newest.
    stage_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The workflow run that wrote the row: a retry of that run (or a reset, which keeps its start) is
    # the same order, any other run with this order id a reuse. NULL on rows from before it was kept.
    workflow_run_id: str | None = Field(default=None, max_length=64)


class OrderPublic(OrderBase):
    pass


def order_known(engine: Engine, order_id: str) -> bool:
    """Whether the store has a row for this order id, whatever became of its workflow."""
    with Session(engine) as session:
        return session.get(Order, order_id) is not None
