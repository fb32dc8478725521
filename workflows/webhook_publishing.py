"""The order workflow's side of webhooks: hand each event to `publish_order_event`, one after the other.

Each publish waits for the one before it (not for any endpoint: publishing only records the event
and queues it per endpoint), so every endpoint's queue receives an order's events in the order they
happened. It runs in the background: a slow webhooks worker never holds the order up.
"""

import asyncio
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow import task_queues
    from orderflow.webhook_events import PUBLISH_OPTIONS, PUBLISH_ORDER_EVENT, OrderEvent


def publish_after(previous: asyncio.Task[Any] | None, event: OrderEvent) -> asyncio.Task[Any]:
    return asyncio.create_task(_publish_after(previous, event))


async def _publish_after(previous: asyncio.Task[Any] | None, event: OrderEvent) -> None:
    if previous is not None:
        # Its failure (a day of retries ran out) is logged when the order closes; this event still goes.
        await asyncio.gather(previous, return_exceptions=True)
    await workflow.execute_activity(
        PUBLISH_ORDER_EVENT,
        event,
        task_queue=task_queues.sibling(workflow.info().task_queue, task_queues.WEBHOOKS),
        **PUBLISH_OPTIONS,
    )
