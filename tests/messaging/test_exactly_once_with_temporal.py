"""Exactly once under Temporal's retries: an attempt that dies after the send never causes a second e-mail."""

import asyncio
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import From
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.api.history.v1 import History
from temporalio.client import Client, WorkflowFailureError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.messaging import MessagingActivities
from activities.messaging.sendgrid_delivery import SendGridDelivery
from orderflow.contract.messages import Event, MessageReceipt, MessageRequest
from orderflow.contract.names import SEND_MESSAGE_ACTIVITY
from orderflow.settings import Settings
from orderflow.store.outbox import SentMessage
from stack_drivers.fake_sendgrid import Answer, FakeSendGrid
from tests.messaging.conftest import composer, new_order_id, request, seal_delivery_code
from tests.messaging.send_workflow import SendOneMessage

CODE = "305871"


class LosesTheAnswerOnFirstAttempt(SendGridAPIClient):
    """The real client; on attempt 1 the connection dies after SendGrid accepted the mail."""

    def send(self, message):  # type: ignore[no-untyped-def]
        response = super().send(message)
        if activity.info().attempt == 1:
            raise ConnectionResetError("connection lost after the request was sent")
        return response


def activities_with(settings: Settings, engine: Engine, client: SendGridAPIClient) -> MessagingActivities:
    client.client.timeout = settings.sendgrid_timeout.total_seconds()
    delivery = SendGridDelivery(engine, client, From(settings.mail_from, settings.mail_from_name))
    return MessagingActivities(engine, composer(engine, settings), delivery)


async def run_workflow(client: Client, send_message: Callable, req: MessageRequest) -> MessageReceipt:
    task_queue = str(uuid.uuid4())
    with ThreadPoolExecutor(max_workers=2) as executor:
        async with Worker(
            client,
            task_queue=task_queue,
            workflows=[SendOneMessage],
            activities=[send_message],
            activity_executor=executor,
        ):
            handle = await client.start_workflow(SendOneMessage.run, req, id=f"send-{req.key}", task_queue=task_queue)
            return await asyncio.wait_for(handle.result(), timeout=60)


def attempts(engine: Engine, key: str) -> tuple[str, int]:
    with Session(engine) as session:
        row = session.get(SentMessage, key)
    assert row is not None
    return row.status, row.attempts


async def test_a_lost_answer_after_the_send_is_retried_without_a_second_mail(
    messaging_env: WorkflowEnvironment, engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    # A client without the project's codec: what history holds is readable, so a code would show.
    config = messaging_env.client.config()
    config["data_converter"] = pydantic_data_converter
    plain = Client(**config)
    client_under_test = LosesTheAnswerOnFirstAttempt(api_key=sendgrid_settings.sendgrid_api_key, host=fake_sendgrid.url)
    activities = activities_with(sendgrid_settings, engine, client_under_test)
    order_id = new_order_id()
    seal_delivery_code(engine, sendgrid_settings, order_id, attempt=1, code=CODE)
    context = {"attempt": 1, "valid_until": "2026-11-23T23:00:00Z", "delivery_mode": "anyone_at_address"}
    req = request(Event.DELIVERY_CODE, order_id, context, n=1, occurred_at=datetime(2026, 11, 23, 7, tzinfo=UTC))

    receipt = await run_workflow(plain, activities.send_message, req)

    # Attempt 1 sent and failed; Temporal retried; the retry found the key taken and sent nothing.
    assert len(fake_sendgrid.received) == 1
    assert f"\n    {CODE}\n" in fake_sendgrid.mails[0]["content"][0]["value"]
    assert receipt.status == "unconfirmed"
    assert attempts(engine, req.key) == ("sending", 1)
    history = await plain.get_workflow_handle(f"send-{req.key}").fetch_history()
    failed = [e for e in history.events if e.HasField("activity_task_started_event_attributes")]
    assert failed[-1].activity_task_started_event_attributes.attempt == 2
    raw_history = History(events=history.events).SerializeToString()
    assert order_id.encode() in raw_history and CODE.encode() not in raw_history


async def test_a_crash_after_recording_the_send_is_answered_as_duplicate(
    messaging_env: WorkflowEnvironment, engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)

    # Registered under the real name: the real activity, then the worker "dies" on the first attempt.
    @activity.defn(name=SEND_MESSAGE_ACTIVITY)
    def send_then_crash(req: MessageRequest) -> MessageReceipt:
        receipt = activities.send_message(req)
        if activity.info().attempt == 1:
            raise RuntimeError("worker crashed before reporting the result")
        return receipt

    req = request(Event.PARCEL_DISPATCHED, context={"delivery_mode": "recipient_with_id"})
    receipt = await run_workflow(messaging_env.client, send_then_crash, req)

    assert len(fake_sendgrid.received) == 1
    assert receipt == MessageReceipt(key=req.key, status="duplicate", provider_message_id="fake-1")
    assert attempts(engine, req.key) == ("sent", 1)


async def test_429_then_success_through_temporal_backoff(
    messaging_env: WorkflowEnvironment, engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    fake_sendgrid.answer(Answer(429, {"errors": [{"message": "too many requests"}]}), Answer(503))
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    req = request(Event.VIDEO_CALL_BOOKED, context={"session_id": "vs-42"})

    receipt = await run_workflow(messaging_env.client, activities.send_message, req)

    assert receipt.status == "sent" and receipt.provider_message_id == "fake-3"
    assert len(fake_sendgrid.received) == 3
    assert attempts(engine, req.key) == ("sent", 3)


async def test_400_fails_the_activity_without_retry(
    messaging_env: WorkflowEnvironment, engine: Engine, sendgrid_settings: Settings, fake_sendgrid: FakeSendGrid
) -> None:
    fake_sendgrid.answer(Answer(400, {"errors": [{"field": "personalizations.0.to", "message": "Invalid email"}]}))
    activities = MessagingActivities.from_settings(sendgrid_settings, engine)
    req = request(Event.CANCELLED)

    with pytest.raises(WorkflowFailureError) as failed:
        await run_workflow(messaging_env.client, activities.send_message, req)

    activity_error = failed.value.cause
    assert isinstance(activity_error, ActivityError) and activity_error.retry_state is not None
    cause = activity_error.cause
    assert isinstance(cause, ApplicationError) and cause.type == "MessageRejected" and cause.non_retryable
    assert len(fake_sendgrid.received) == 1
    assert attempts(engine, req.key) == ("rejected", 1)
