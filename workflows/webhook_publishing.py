"""The order workflow's side of webhooks: hand each event to `publish_order_event` in the background.

Publishing only records the event and queues it on each endpoint's `WebhookDeliveryWorkflow`, which
sends an order's events in the order of their `sequence` (1, 2, 3 ... per order), so a slow webhooks
worker never holds the order up and publishes that land out of order are still delivered in order.
"""

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract import task_queues
    from orderflow.contract.names import PUBLISH_ORDER_EVENT
    from orderflow.contract.webhook_events import PUBLISH_OPTIONS, OrderEvent
    from workflows import activity_options


def publish_order_event(event: OrderEvent) -> workflow.ActivityHandle[Any]:
    return workflow.start_activity(
        PUBLISH_ORDER_EVENT,
        event,
        task_queue=activity_options.queue_beside_orders(task_queues.WEBHOOKS),
        **PUBLISH_OPTIONS,
    )
