"""E-mails whose fate nobody knows: the send was handed to the provider and no answer came back.

The messaging ledger never sends a key twice (activities/messaging/ledger.py), so a send that
crashed or timed out mid-call stays `sending` for good and the activity reports it "unconfirmed".
The customer may or may not have it; only a person can find out (the provider's activity feed)
and resend by hand. This is their list.
"""

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from orderflow.store.outbox import MessageStatus, SentMessage

# A send still running is `sending` too: it has 30 s to finish (workflows/activity_options.py MESSAGING).
SETTLED_AFTER = timedelta(minutes=2)


class UnconfirmedMessage(BaseModel):
    key: str  # <order id>:<event>:<n>, what the provider's activity feed can be searched for
    order_id: str
    event: str
    since: datetime
    attempts: int


class UnconfirmedReport(BaseModel):
    older_than: timedelta
    messages: list[UnconfirmedMessage]
    what_to_do: str = (
        "the customer may or may not have these e-mails: look each key up in the provider's activity feed "
        "and resend by hand only what is missing; orderflow never sends them again on its own"
    )


def unconfirmed_messages(
    engine: Engine, older_than: timedelta = SETTLED_AFTER, limit: int = 200, now: datetime | None = None
) -> UnconfirmedReport:
    """Messages left `sending` for longer than `older_than`, oldest first."""
    cutoff = (now or datetime.now(UTC)) - older_than
    query = (
        select(SentMessage)
        .where(SentMessage.status == MessageStatus.SENDING, col(SentMessage.updated_at) < cutoff)
        .order_by(col(SentMessage.updated_at), col(SentMessage.key))
        .limit(limit)
    )
    with Session(engine) as session:
        rows = session.exec(query).all()
    messages = [
        UnconfirmedMessage(
            key=row.key,
            order_id=row.order_id,
            event=row.event,
            since=row.updated_at or row.created_at,
            attempts=row.attempts,
        )
        for row in rows
    ]
    return UnconfirmedReport(older_than=older_than, messages=messages)
