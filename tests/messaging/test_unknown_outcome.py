"""A key whose last send never learned its outcome is not sent again (at most once)."""

import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.messaging import MessagingActivities
from orderflow.contract.messages import Event
from orderflow.settings import Settings
from orderflow.store.outbox import SentMessage
from stack_drivers.fake_sendgrid import FakeSendGrid
from tests.messaging.conftest import request


def test_a_key_left_sending_is_reported_unconfirmed_and_not_sent(
    engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    req = request(Event.DELIVERED)
    # What a worker that died between the HTTP call and recording its answer leaves behind.
    with Session(engine) as session:
        session.add(
            SentMessage(
                key=req.key,
                order_id=req.order_id,
                event=req.event.value,
                to_email=req.customer.email,
                subject="…",
                text_body="…",
                html_body="…",
                status="sending",
                created_at=datetime.now(UTC),
            )
        )
        session.commit()

    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    receipt = ActivityEnvironment().run(activities.send_message, req)

    assert receipt.status == "unconfirmed"
    assert fake_sendgrid.received == []


def test_a_send_without_an_answer_leaves_the_key_sending(engine: Engine, sendgrid_settings: Settings) -> None:
    # A server that takes the whole request and never answers: SendGrid may have accepted it.
    with socket.create_server(("127.0.0.1", 0)) as server:
        host, port = server.getsockname()
        settings = sendgrid_settings.model_copy(
            update={"sendgrid_host": f"http://{host}:{port}", "sendgrid_timeout": timedelta(seconds=0.5)}
        )
        activities = MessagingActivities.from_settings(settings, engine)
        req = request(Event.PHOTO_IDENT_PASSED)

        with pytest.raises(ApplicationError) as unknown:
            ActivityEnvironment().run(activities.send_message, req)

    assert unknown.value.type == "MessageOutcomeUnknown" and not unknown.value.non_retryable
    with Session(engine) as session:
        assert session.get(SentMessage, req.key).status == "sending"  # type: ignore[union-attr]
    # Temporal's retry then reports it instead of sending again.
    assert ActivityEnvironment().run(activities.send_message, req).status == "unconfirmed"
