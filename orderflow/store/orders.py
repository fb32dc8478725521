"""Orders: one row per order with its current stage; the stage history is the audit trail."""

from datetime import datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from orderflow.store.audit import AuditEvent

__all__ = ["AuditEvent", "Order", "OrderBase", "OrderPublic"]


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
    pass


class OrderPublic(OrderBase):
    pass
