"""Operators see the e-mails whose outcome nobody knows (left `sending`), and only those."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from orderflow.ops.unconfirmed import unconfirmed_messages
from orderflow.store.outbox import MessageStatus, SentMessage
from tests.ops.conftest import OPERATOR


def ledger_row(engine, status: MessageStatus, age: timedelta, event: str = "delivery_code") -> SentMessage:
    order_id = f"U-{uuid.uuid4().hex[:8]}"
    at = datetime.now(UTC) - age
    row = SentMessage(
        key=f"{order_id}:{event}:1",
        order_id=order_id,
        event=event,
        to_email="erika@example.org",
        subject="s",
        text_body="t",
        html_body="h",
        status=status,
        created_at=at,
        updated_at=at,
    )
    with Session(engine) as session:
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def test_only_old_sending_rows_are_unconfirmed(any_engine):
    stale = ledger_row(any_engine, MessageStatus.SENDING, timedelta(minutes=10))
    running = ledger_row(any_engine, MessageStatus.SENDING, timedelta(seconds=5))
    sent = ledger_row(any_engine, MessageStatus.SENT, timedelta(minutes=10))
    deferred = ledger_row(any_engine, MessageStatus.DEFERRED, timedelta(minutes=10))

    keys = [m.key for m in unconfirmed_messages(any_engine, limit=1000).messages]

    assert stale.key in keys
    assert not {running.key, sent.key, deferred.key} & set(keys)
    assert running.key in [m.key for m in unconfirmed_messages(any_engine, timedelta(0), limit=1000).messages]


async def test_operators_get_the_list_without_addresses(ops_api, engine):
    stale = ledger_row(engine, MessageStatus.SENDING, timedelta(minutes=10), event="delivered")

    assert (await ops_api.http.get("/ops/unconfirmed-messages")).status_code == 401
    response = await ops_api.http.get("/ops/unconfirmed-messages", params={"limit": 1000}, headers=OPERATOR)

    assert response.status_code == 200, response.text
    [found] = [m for m in response.json()["messages"] if m["key"] == stale.key]
    assert (found["order_id"], found["event"], found["attempts"]) == (stale.order_id, "delivered", 1)
    assert "erika@" not in response.text
    assert "resend by hand" in response.json()["what_to_do"]
    negative = await ops_api.http.get("/ops/unconfirmed-messages", params={"older_than": "-PT1M"}, headers=OPERATOR)
    assert (negative.status_code, negative.json()["code"]) == (422, "invalid_request")
