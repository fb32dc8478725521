"""Delivery attempts: mode, whether a code was needed, wrong code entries, outcome.

The attempt's code itself lives sealed in `DeliveryCode` (same order id and attempt number), so
this table and every export of it hold no code.
"""

from datetime import datetime

from sqlalchemy import UniqueConstraint, update
from sqlmodel import Field, Session, SQLModel, col

from orderflow.contract.records import RecordDeliveryAttempt
from orderflow.store.once import upsert_if_newer


class DeliveryAttemptBase(SQLModel):
    order_id: str = Field(index=True, max_length=64)
    attempt: int
    code_required: bool
    delivery_mode: str = Field(max_length=32)
    wrong_codes: int = 0
    outcome: str | None = Field(default=None, max_length=32)  # None while under way
    started_at: datetime
    ends_at: datetime
    ended_at: datetime | None = None
    revision: int = 0


class DeliveryAttempt(DeliveryAttemptBase, table=True):
    __table_args__ = (UniqueConstraint("order_id", "attempt"),)

    id: int | None = Field(default=None, primary_key=True)


class DeliveryAttemptPublic(DeliveryAttemptBase):
    pass


def record_delivery_attempt(session: Session, request: RecordDeliveryAttempt) -> None:
    """Upsert by order and attempt. Writes may land out of order: the highest revision wins.

    One conditional UPDATE (`revision < new`) decides, race-safe on both databases (see `upsert_if_newer`).
    """
    key = (col(DeliveryAttempt.order_id) == request.order_id, col(DeliveryAttempt.attempt) == request.attempt)
    values = request.model_dump()
    newer = update(DeliveryAttempt).where(*key, col(DeliveryAttempt.revision) < request.revision).values(**values)
    upsert_if_newer(session, DeliveryAttempt(**values), newer, *key)
