"""The order workflow hands one event per stage change the storefront cares about to the webhooks
queue with a sequence number (1, 2, 3 ... per order) and nothing personal in it."""

from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from orderflow.contract.commands import CourierHandover, DeliveryFailed
from orderflow.contract.messages import Event
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from orderflow.contract.webhook_events import WebhookEventType, webhook_event_type
from orderflow.settings import Settings
from orderflow.temporal import data_converter
from tests.workflows.harness import make_order, out_for_delivery, running_order_worker
from workflows.order import OrderWorkflow


async def test_a_doorstep_order_publishes_its_events_in_order(
    time_skipping_env: WorkflowEnvironment, engine: Engine, settings: Settings
):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.DOORSTEP, unit_price="99.00")
        handle = await h.start(order)
        await out_for_delivery(time_skipping_env, handle)
        await handle.signal(OrderWorkflow.delivery_failed, DeliveryFailed(attempt=1, reason="nobody at home"))
        await out_for_delivery(time_skipping_env, handle)
        await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=2, id_checked=True))
        await handle.result()
        # The new path replays deterministically (older histories take the old one: test_replay).
        history = await handle.fetch_history()
        replayer = Replayer(workflows=[OrderWorkflow], data_converter=data_converter(settings))
        await replayer.replay_workflow(history, raise_on_replay_failure=True)
        assert any(e.HasField("marker_recorded_event_attributes") for e in history.events)

    # Published side by side; the sequence (1, 2, 3 ... per order) is what endpoints' queues deliver by.
    events = sorted(h.fakes.webhook_events, key=lambda e: e.sequence)
    assert [e.type for e in events] == [
        WebhookEventType.ORDER_RECEIVED,
        WebhookEventType.ORDER_DISPATCHED,
        WebhookEventType.DELIVERY_ATTEMPT_FAILED,
        WebhookEventType.ORDER_DELIVERED,
    ]
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert {e.order_id for e in events} == {order.order_id}
    assert events[2].attempt == 1 and events[3].attempt == 2
    assert all(e.customer_no == "K-555001" for e in events)
    for event in events:
        assert "Erika" not in event.model_dump_json() and "@" not in event.model_dump_json()


def test_only_the_steps_a_storefront_needs_become_events():
    assert webhook_event_type(Stage.AWAITING_IDENT, None) is None
    assert webhook_event_type(Stage.PHOTO_CHECK, None) is None
    assert webhook_event_type(Stage.OUT_FOR_DELIVERY, Event.DELIVERY_CODE) is None
    assert webhook_event_type(Stage.AWAITING_IDENT, Event.PHOTO_IDENT_FAILED) == WebhookEventType.IDENT_PHOTO_FAILED
    assert webhook_event_type(Stage.IDENTIFIED, Event.VIDEO_IDENT_RESULT) == WebhookEventType.IDENT_PASSED
    assert webhook_event_type(Stage.DOORSTEP_FALLBACK, Event.VIDEO_IDENT_RESULT) == (
        WebhookEventType.IDENT_DOORSTEP_FALLBACK
    )
    assert webhook_event_type(Stage.AWAITING_VIDEO_AGENT, Event.VIDEO_CALL_BOOKED) == (
        WebhookEventType.IDENT_VIDEO_REQUESTED
    )
    assert webhook_event_type(Stage.CANCELLED, Event.CANCELLED) == WebhookEventType.ORDER_CANCELLED
