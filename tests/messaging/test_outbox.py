"""No SendGrid key: every message lands in the local outbox, once per key, listed for `GET /dev/outbox`."""

from datetime import UTC, datetime

from sqlalchemy import Engine
from temporalio.testing import ActivityEnvironment

from activities.messaging import MessagingActivities
from orderflow.contract.messages import Event, MessageRequest
from orderflow.settings import Settings
from orderflow.store.outbox import list_outbox
from tests.messaging.conftest import new_order_id, request, seal_delivery_code


def capture(activities: MessagingActivities, req: MessageRequest) -> str:
    return ActivityEnvironment().run(activities.send_message, req).status


def test_messages_are_captured_once_and_listed_newest_first(engine: Engine, outbox_settings: Settings) -> None:
    activities = MessagingActivities.from_settings(outbox_settings, engine)
    order_id, other_order = new_order_id(), new_order_id()
    received = request(Event.ORDER_RECEIVED, order_id, {"ident_method": "none"})
    passed = request(Event.PHOTO_IDENT_PASSED, order_id)

    assert capture(activities, received) == "captured"
    assert capture(activities, passed) == "captured"
    assert capture(activities, received) == "duplicate"
    assert capture(activities, request(Event.CANCELLED, other_order)) == "captured"

    listed = list_outbox(engine, order_id=order_id, limit=50)
    assert [m.key for m in listed] == [passed.key, received.key]
    assert listed[1].subject == f"Ihre Bestellung {order_id}: Bestellung eingegangen"
    assert listed[1].to_email == "juergen.mueller@example.org" and listed[1].status == "captured"
    assert listed[1].text_body.startswith("Guten Tag Jürgen Müller-Lüdenscheidt,")
    assert listed[1].html_body.startswith("<!DOCTYPE html>")
    assert [m.key for m in list_outbox(engine, order_id=order_id, limit=1)] == [passed.key]
    assert {other_order, order_id} <= {m.order_id for m in list_outbox(engine, order_id=None, limit=500)}


def test_the_outbox_shows_the_delivery_code_as_the_customer_would_read_it(
    engine: Engine, outbox_settings: Settings
) -> None:
    activities = MessagingActivities.from_settings(outbox_settings, engine)
    order_id = new_order_id()
    seal_delivery_code(engine, outbox_settings, order_id, attempt=1, code="062318")
    req = request(
        Event.DELIVERY_CODE,
        order_id,
        {"attempt": 1, "valid_until": "2026-11-23T23:00:00Z"},
        n=1,
        occurred_at=datetime(2026, 11, 23, 7, tzinfo=UTC),
    )

    receipt = ActivityEnvironment().run(activities.send_message, req)

    assert "062318" not in receipt.model_dump_json()
    [message] = list_outbox(engine, order_id=order_id, limit=10)
    assert "\n    062318\n" in message.text_body
