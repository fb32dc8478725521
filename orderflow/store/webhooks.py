"""Webhook endpoints the operators registered, one delivery per (event, endpoint), and every try of it.

Secrets are sealed with the data key (like delivery codes): a copy of the database alone cannot
sign events. During a rotation the previous secret stays valid until `previous_secret_expires_at`.
"""

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class WebhookEndpoint(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=500)
    # Event type names ("order.dispatched", ...); the endpoint hears only these.
    event_types: list[str] = Field(sa_column=Column(JSON, nullable=False))
    secret_sealed: str = Field(max_length=300)
    previous_secret_sealed: str | None = Field(default=None, max_length=300)
    previous_secret_expires_at: datetime | None = None
    enabled: bool = True
    disabled_reason: str = Field(default="", max_length=200)
    created_at: datetime
    updated_at: datetime


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint. Its id is the `webhook-id` header: the same on every try."""

    __table_args__ = (UniqueConstraint("event_id", "endpoint_id"),)

    id: str = Field(primary_key=True, max_length=40)
    endpoint_id: str = Field(index=True, max_length=40)
    event_id: str = Field(max_length=40)
    order_id: str = Field(index=True, max_length=64)
    event_type: str = Field(max_length=40)
    sequence: int
    # The exact JSON body that is signed and sent, on every try alike.
    payload: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="pending", max_length=16)  # pending, delivered, failed, skipped
    created_at: datetime
    finished_at: datetime | None = None
    tries: int = 0


class WebhookAttempt(SQLModel, table=True):
    """One HTTP try: what the endpoint answered (or why there was no answer) and how long it took."""

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(index=True, max_length=40)
    number: int  # 1, 2, 3 ... per delivery, manual redeliveries included
    at: datetime
    status_code: int | None = None
    latency_ms: int | None = None
    error: str = Field(default="", max_length=200)
    manual: bool = False
