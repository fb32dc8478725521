"""What flows between the publish activity, `WebhookDeliveryWorkflow` and its activities (queue
`webhooks`). Side-effect free: the delivery workflow imports it."""

from datetime import timedelta

from pydantic import BaseModel, Field

DELIVERY_WORKFLOW = "WebhookDeliveryWorkflow"
ENQUEUE_SIGNAL = "enqueue"
DELIVER_WEBHOOK = "deliver_webhook"
GIVE_UP_WEBHOOK_DELIVERY = "give_up_webhook_delivery"

# The endpoint said 410 Gone, or its address is not allowed: trying again cannot help.
ENDPOINT_GONE = "EndpointGone"
ADDRESS_REFUSED = "AddressRefused"
DELIVERY_NOT_FOUND = "DeliveryNotFound"
NON_RETRYABLE = [ENDPOINT_GONE, ADDRESS_REFUSED, DELIVERY_NOT_FOUND]


class WebhookRetry(BaseModel):
    """Temporal's retry policy for one delivery, from the settings of the process that queued it."""

    initial_interval: timedelta = timedelta(seconds=5)
    backoff_coefficient: float = 2.0
    maximum_interval: timedelta = timedelta(hours=1)
    give_up_after: timedelta = timedelta(days=3)
    attempt_timeout: timedelta = timedelta(seconds=20)  # one HTTP try (15 s) and the store writes


class DeliveryFeed(BaseModel):
    """Input of a `WebhookDeliveryWorkflow`: one endpoint's queue of one order's events."""

    endpoint_id: str
    order_id: str
    retry: WebhookRetry = WebhookRetry()
    # Deliveries to start with (a manual redelivery); the order's events arrive as signals.
    deliveries: list[str] = []
    manual: bool = False
    # The queue closes after the order's last event, or after this long with nothing to send.
    idle_timeout: timedelta = timedelta(days=14)
    # How long a later event waits for an earlier one still being published (publishes run side by side).
    gap_patience: timedelta = timedelta(seconds=30)


class QueuedDelivery(BaseModel):
    delivery_id: str
    last: bool = False  # the order's final event: nothing follows
    sequence: int = 0  # the event's place among the order's events (1, 2, 3 ...); 0: no order to keep


class DeliverWebhook(BaseModel):
    delivery_id: str
    manual: bool = False  # an operator asked for it again: sent even if delivered before


class DeliveryOutcome(BaseModel):
    state: str  # delivered, skipped (endpoint disabled or deleted)
    status_code: int | None = None


class GiveUpDelivery(BaseModel):
    delivery_id: str
    reason: str = Field(max_length=200)


def delivery_workflow_id(endpoint_id: str, order_id: str) -> str:
    return f"webhook-{endpoint_id}-order-{order_id}"
