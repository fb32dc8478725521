"""Delivery through the real SendGrid client against a local server that speaks mail send v3."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.messaging import MessagingActivities
from orderflow.contract.messages import Event, MessageReceipt, MessageRequest
from orderflow.settings import Settings
from orderflow.store.codes import DeliveryCode
from orderflow.store.outbox import SentMessage
from stack_drivers.fake_sendgrid import API_KEY, Answer, FakeSendGrid
from tests.messaging.conftest import new_order_id, request, seal_delivery_code

CODE = "731946"


def send(activities: MessagingActivities, req: MessageRequest) -> MessageReceipt:
    return ActivityEnvironment().run(activities.send_message, req)


def row(engine: Engine, key: str) -> SentMessage:
    with Session(engine) as session:
        found = session.get(SentMessage, key)
    assert found is not None
    return found


def test_sends_exactly_this_json_and_keeps_the_code_out_of_results_records_and_logs(
    engine: Engine,
    sendgrid_settings: Settings,
    fake_sendgrid: FakeSendGrid,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # everything any library would log, including the HTTP client
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    order_id = new_order_id()
    seal_delivery_code(engine, sendgrid_settings, order_id, attempt=1, code=CODE)
    context = {"attempt": 1, "valid_until": "2026-11-23T23:00:00Z", "delivery_mode": "anyone_at_address"}
    req = request(Event.DELIVERY_CODE, order_id, context, n=1, occurred_at=datetime(2026, 11, 23, 7, tzinfo=UTC))

    receipt = send(activities, req)

    assert receipt == MessageReceipt(key=f"{order_id}:delivery_code:1", status="sent", provider_message_id="fake-1")
    [received] = fake_sendgrid.received
    assert received.path == "/v3/mail/send"
    assert received.headers["Authorization"] == f"Bearer {API_KEY}"
    mail = received.body
    text, html = mail["content"][0]["value"], mail["content"][1]["value"]
    assert mail == {
        "from": {"email": "service@orderflow.example", "name": "orderflow Kundenservice"},
        "subject": f"Ihre Bestellung {order_id}: Ihr Zustellcode für heute",
        "personalizations": [{"to": [{"email": "juergen.mueller@example.org", "name": "Jürgen Müller-Lüdenscheidt"}]}],
        "content": [{"type": "text/plain", "value": text}, {"type": "text/html", "value": html}],
        "custom_args": {"order_id": order_id, "message_key": f"{order_id}:delivery_code:1"},
        "tracking_settings": {"click_tracking": {"enable": False, "enable_text": False}},
    }
    assert text.startswith("Guten Tag Jürgen Müller-Lüdenscheidt,\n\nheute stellen wir Ihre Bestellung")
    assert f"\n    {CODE}\n" in text and "Gültig bis heute, 23:59 Uhr." in text
    assert "Kundennummer: K-555001\nBestellnummer: " + order_id in text
    assert f">{CODE}</p>" in html and "<!DOCTYPE html>" in html

    # The code went to the customer and nowhere else: not the receipt, the record or any log line.
    assert CODE not in receipt.model_dump_json()
    record = row(engine, receipt.key)
    assert record.status == "sent" and record.provider_message_id == "fake-1"
    assert CODE not in record.text_body + record.html_body and "••••••" in record.text_body
    assert caplog.records, "the activity logs its outcome"
    assert CODE not in caplog.text and API_KEY not in caplog.text


def test_429_is_retryable_and_the_retry_sends(
    engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    fake_sendgrid.answer(Answer(429, {"errors": [{"field": None, "message": "too many requests"}]}))
    req = request(Event.DELIVERED, context={"attempt": 1})

    with pytest.raises(ApplicationError) as deferred:
        send(activities, req)
    assert deferred.value.type == "MessageDeferred" and not deferred.value.non_retryable
    assert row(engine, req.key).status == "deferred"
    assert row(engine, req.key).error == "429 too many requests"

    assert send(activities, req).status == "sent"
    assert len(fake_sendgrid.received) == 2
    assert fake_sendgrid.mails[0] == fake_sendgrid.mails[1]
    assert (row(engine, req.key).status, row(engine, req.key).attempts) == ("sent", 2)


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_is_retryable(
    engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid, status: int
) -> None:
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    fake_sendgrid.answer(Answer(status))
    req = request(Event.CANCELLED)
    with pytest.raises(ApplicationError) as deferred:
        send(activities, req)
    assert deferred.value.type == "MessageDeferred" and not deferred.value.non_retryable
    assert row(engine, req.key).status == "deferred"


def test_400_fails_without_retry_and_is_recorded(
    engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    error = {
        "errors": [{"field": "from.email", "message": "The from address does not match a verified Sender Identity."}]
    }
    fake_sendgrid.answer(Answer(400, error))
    req = request(Event.PHOTO_IDENT_PASSED)

    with pytest.raises(ApplicationError) as rejected:
        send(activities, req)

    assert rejected.value.type == "MessageRejected" and rejected.value.non_retryable
    record = row(engine, req.key)
    assert record.status == "rejected"
    assert record.error == "400 The from address does not match a verified Sender Identity."
    assert len(fake_sendgrid.received) == 1


def test_the_same_key_is_never_sent_twice(
    engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    req = request(Event.PARCEL_DISPATCHED, context={"delivery_mode": "anyone_at_address"})

    first, second = send(activities, req), send(activities, req)

    assert (first.status, second.status) == ("sent", "duplicate")
    assert second.provider_message_id == first.provider_message_id == "fake-1"
    assert len(fake_sendgrid.received) == 1


def test_an_unreachable_sendgrid_is_retryable(engine: Engine, outbox_settings: Settings) -> None:
    # Port 9 (discard) on localhost refuses the connection: nothing went out, so a retry may send.
    settings = outbox_settings.model_copy(update={"sendgrid_api_key": API_KEY, "sendgrid_host": "http://127.0.0.1:9"})
    activities = MessagingActivities.from_settings(settings, engine)
    req = request(Event.RETURNED)
    with pytest.raises(ApplicationError) as deferred:
        send(activities, req)
    assert deferred.value.type == "MessageDeferred" and not deferred.value.non_retryable
    assert row(engine, req.key).status == "deferred"


def code_mail(engine: Engine, settings: Settings) -> MessageRequest:
    """Attempt 1's code e-mail, its code live until it is expired."""
    order_id = new_order_id()
    seal_delivery_code(engine, settings, order_id, attempt=1, code=CODE)
    return request(Event.DELIVERY_CODE, order_id, {"attempt": 1, "valid_until": "2026-11-23T23:00:00Z"}, n=1)


def expire_codes(engine: Engine, order_id: str) -> None:
    """The attempt's day is over: its code is no longer live."""
    with Session(engine) as session:
        session.connection().execute(
            update(DeliveryCode)
            .where(col(DeliveryCode.order_id) == order_id)
            .values(valid_until=datetime.now(UTC) - timedelta(seconds=1))
        )
        session.commit()


def test_a_code_mail_deferred_past_its_day_is_outdated_not_missing(
    engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    req = code_mail(engine, sendgrid_settings)
    fake_sendgrid.answer(Answer(503, {"errors": [{"message": "busy"}]}))
    with pytest.raises(ApplicationError):
        send(activities, req)
    expire_codes(engine, req.order_id)

    receipt = send(activities, req)

    assert receipt == MessageReceipt(key=req.key, status="outdated")
    assert row(engine, req.key).status == "outdated"
    assert len(fake_sendgrid.received) == 1  # the deferred try only: nothing went out after the day


def test_a_code_mail_first_tried_after_its_day_is_outdated(
    engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    req = code_mail(engine, sendgrid_settings)
    expire_codes(engine, req.order_id)

    receipt = send(activities, req)

    assert receipt.status == "outdated"
    assert row(engine, req.key).status == "outdated"
    assert fake_sendgrid.received == []
