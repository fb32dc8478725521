"""Exactly once per message key: claim the key in the database before anything leaves the house.

The row's status moves `sending` → `sent` / `deferred` / `rejected` (or is `captured` straight away
in the local outbox). Only `deferred` and `rejected` rows, where provably nothing went out, may be
claimed again. A claim is one INSERT, or one conditional UPDATE, so two attempts racing for the
same key (a retry while a timed-out attempt still runs) cannot both win.
"""

from datetime import UTC, datetime

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from activities.messaging.mail import OutgoingMail
from orderflow.contract.messages import MessageReceipt, MessageRequest
from orderflow.store.outbox import RECLAIMABLE, MessageStatus, SentMessage


def inserted(engine: Engine, row: SentMessage) -> bool:
    """Adds the row; False when another row holds its key already."""
    try:
        with Session(engine) as session:
            session.add(row)
            session.commit()
        return True
    except IntegrityError:
        return False


def find(engine: Engine, key: str) -> SentMessage | None:
    with Session(engine) as session:
        return session.get(SentMessage, key)


def claim(engine: Engine, mail: OutgoingMail, status: MessageStatus, keep_code: bool) -> SentMessage | None:
    """Record the message under its key with `status`; None when this call owns the key now.

    Otherwise the row that holds the key (sent, captured, or sending elsewhere) comes back.
    `keep_code` stores the bodies as sent; without it the record keeps the redacted copy.
    """
    now = datetime.now(UTC)
    text_body, html_body = (mail.text_body, mail.html_body) if keep_code else mail.redacted_bodies
    row = SentMessage(
        key=mail.key,
        order_id=mail.order_id,
        event=mail.event,
        to_email=mail.to_email,
        subject=mail.subject,
        text_body=text_body,
        html_body=html_body,
        status=status,
        created_at=now,
        updated_at=now,
    )
    if inserted(engine, row):
        return None
    reclaim = (
        update(SentMessage)
        .where(col(SentMessage.key) == mail.key, col(SentMessage.status).in_(RECLAIMABLE))
        .values(
            status=status,
            subject=row.subject,
            text_body=text_body,
            html_body=html_body,
            error=None,
            attempts=SentMessage.attempts + 1,
            updated_at=now,
        )
    )
    with Session(engine) as session:
        reclaimed = session.connection().execute(reclaim).rowcount == 1
        session.commit()
    return None if reclaimed else find(engine, mail.key)


def settle(
    engine: Engine,
    key: str,
    status: MessageStatus,
    provider_message_id: str | None = None,
    error: str | None = None,
) -> None:
    """The outcome of this attempt's send, as far as it is known."""
    values = {"status": status, "provider_message_id": provider_message_id, "updated_at": datetime.now(UTC)}
    if error is not None:
        values["error"] = error[:1000]
    with Session(engine) as session:
        session.connection().execute(update(SentMessage).where(col(SentMessage.key) == key).values(**values))
        session.commit()


def outdate(engine: Engine, request: MessageRequest) -> None:
    """Nothing went out for this key and nothing will: its row (claimed before, or made now) says `outdated`."""
    now = datetime.now(UTC)
    why = "stopped applying before the provider took it"
    outdated = (
        update(SentMessage)
        .where(col(SentMessage.key) == request.key, col(SentMessage.status).in_(RECLAIMABLE))
        .values(status=MessageStatus.OUTDATED, error=why, updated_at=now)
    )
    with Session(engine) as session:
        changed = session.connection().execute(outdated).rowcount == 1
        session.commit()
    if changed:
        return
    row = SentMessage(
        key=request.key,
        order_id=request.order_id,
        event=request.event.value,
        to_email=request.customer.email,
        subject="",
        text_body="",
        html_body="",
        status=MessageStatus.OUTDATED,
        error=why,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    inserted(engine, row)  # or another attempt holds the key (sent or sending): its row stands


def receipt_for(row: SentMessage) -> MessageReceipt:
    """What a second attempt for a key someone already holds reports, without sending anything."""
    if row.status == MessageStatus.SENDING:
        # An earlier attempt handed the mail over (or was about to) and never learned the outcome:
        # crashed, timed out, or still running. SendGrid has no idempotency key to ask with, so we
        # choose at most once: a second e-mail is worse than a missing one, because every message
        # points to a page that shows the same facts (the tracking page shows the live code).
        return MessageReceipt(key=row.key, status="unconfirmed")
    return MessageReceipt(key=row.key, status="duplicate", provider_message_id=row.provider_message_id)
