"""`publish_order_event`: one delivery row per subscribed endpoint, queued on that endpoint's
`WebhookDeliveryWorkflow` for the order. No endpoint is called here, so this never waits on one."""

import asyncio
import logging
from datetime import UTC, datetime

from temporalio import activity
from temporalio.client import Client

from orderflow.contract.names import PUBLISH_ORDER_EVENT
from orderflow.contract.webhook_events import FINAL_EVENTS, OrderEvent
from orderflow.settings import Settings
from orderflow.store.webhooks import WebhookDelivery
from orderflow.webhooks.contract import (
    DELIVERY_WORKFLOW,
    ENQUEUE_SIGNAL,
    DeliveryFeed,
    QueuedDelivery,
    delivery_workflow_id,
)
from orderflow.webhooks.ledger import Ledger
from orderflow.webhooks.payload import event_body, event_id, message_id
from orderflow.webhooks.registry import Registry
from orderflow.webhooks.retry_settings import retry_from

log = logging.getLogger("orderflow.webhooks")


class PublishActivities:
    def __init__(self, client: Client, registry: Registry, ledger: Ledger, settings: Settings) -> None:
        self._client = client
        self._registry = registry
        self._ledger = ledger
        self._settings = settings

    @activity.defn(name=PUBLISH_ORDER_EVENT)
    async def publish_order_event(self, event: OrderEvent) -> int:
        """Queues the event for every endpoint that subscribed to its type; returns how many."""
        deliveries = await asyncio.to_thread(self._record, event)
        for endpoint_id, delivery_id in deliveries:
            # Signal-with-start: the endpoint's queue for this order, started by its first event.
            # A retried publish signals again; the queue ignores a delivery it has seen.
            await self._client.start_workflow(
                DELIVERY_WORKFLOW,
                DeliveryFeed(endpoint_id=endpoint_id, order_id=event.order_id, retry=retry_from(self._settings)),
                id=delivery_workflow_id(endpoint_id, event.order_id),
                task_queue=activity.info().task_queue,
                start_signal=ENQUEUE_SIGNAL,
                start_signal_args=[
                    QueuedDelivery(delivery_id=delivery_id, last=event.type in FINAL_EVENTS, sequence=event.sequence)
                ],
            )
        log.info(
            "event %s queued for %d endpoint(s)", event.type.value, len(deliveries), extra={"order_id": event.order_id}
        )
        return len(deliveries)

    def _record(self, event: OrderEvent) -> list[tuple[str, str]]:
        """(endpoint id, delivery id) for each subscribed endpoint, recorded once however often retried."""
        body = event_body(self._settings, event)
        evt = event_id(event)
        deliveries: list[tuple[str, str]] = []
        for endpoint in self._registry.subscribed(event.type.value):
            delivery = WebhookDelivery(
                id=message_id(evt, endpoint.id),
                endpoint_id=endpoint.id,
                event_id=evt,
                order_id=event.order_id,
                event_type=event.type.value,
                sequence=event.sequence,
                payload=body,
                created_at=datetime.now(UTC),
            )
            deliveries.append((endpoint.id, delivery.id))
            self._ledger.add_once(delivery)
        return deliveries
