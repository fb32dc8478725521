"""Messages to customers, one row per message key: the exactly-once ledger and the local outbox.

With SendGrid the row records what went out (the delivery code blanked out); without a key it is
the message itself, captured for `GET /dev/outbox`.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel, col, select


class MessageStatus(StrEnum):
    # Claimed and about to be (or being) handed to the provider. A row still "sending" when
    # someone looks again means the outcome is unknown: it is never sent a second time.
    SENDING = "sending"
    SENT = "sent"  # the provider accepted it (202)
    CAPTURED = "captured"  # stored in the local outbox (no SendGrid key)
    # The provider answered 429 or 5xx, or could not be reached: nothing went out, a retry may send.
    DEFERRED = "deferred"
    REJECTED = "rejected"  # the provider refused it (4xx): nothing went out, not retried
    # Nothing went out and nothing will: the message stopped applying before the provider took it (a code
    # e-mail deferred until its attempt's day was over). The tracking page showed the code meanwhile.
    OUTDATED = "outdated"


# Nothing left the house in these states, so a later attempt may claim the key again.
RECLAIMABLE = (MessageStatus.DEFERRED, MessageStatus.REJECTED)


class SentMessageBase(SQLModel):
    key: str = Field(primary_key=True, max_length=200)
    order_id: str = Field(index=True, max_length=64)
    event: str = Field(max_length=32)
    to_email: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    text_body: str
    html_body: str
    status: str = Field(max_length=16)
    provider_message_id: str | None = Field(default=None, max_length=200)
    # Why the provider deferred or rejected it (status code and its message, never the body).
    error: str | None = Field(default=None, max_length=1000)
    attempts: int = 1  # how many times the key was claimed for sending
    created_at: datetime
    updated_at: datetime | None = None


class SentMessage(SentMessageBase, table=True):
    pass


class SentMessagePublic(SentMessageBase):
    """What `GET /dev/outbox` shows."""


MAX_LISTING = 500


def list_outbox(engine: Engine, order_id: str | None = None, limit: int = 50) -> list[SentMessagePublic]:
    """The newest messages first, optionally for one order."""
    query = select(SentMessage).order_by(col(SentMessage.created_at).desc(), col(SentMessage.key))
    if order_id is not None:
        query = query.where(SentMessage.order_id == order_id)
    query = query.limit(max(1, min(limit, MAX_LISTING)))
    with Session(engine) as session:
        return [SentMessagePublic.model_validate(row, from_attributes=True) for row in session.exec(query)]
