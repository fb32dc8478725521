"""Which stage changes the storefront hears about, and what the workflow hands the `publish_order_event`
activity (task queue `webhooks`). Side-effect free: the order workflow imports it."""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from temporalio.common import RetryPolicy

from orderflow.contract.messages import Event
from orderflow.contract.stages import Stage


class WebhookEventType(StrEnum):
    ORDER_RECEIVED = "order.received"
    IDENT_PHOTO_FAILED = "ident.photo_failed"
    IDENT_PASSED = "ident.passed"
    IDENT_VIDEO_REQUESTED = "ident.video_requested"
    IDENT_DOORSTEP_FALLBACK = "ident.doorstep_fallback"
    ORDER_DISPATCHED = "order.dispatched"
    DELIVERY_ATTEMPT_FAILED = "delivery.attempt_failed"
    ORDER_DELIVERED = "order.delivered"
    ORDER_RETURNED = "order.returned"
    ORDER_CANCELLED = "order.cancelled"


# Stages that always mean the same thing to the storefront, whatever message the customer got.
_BY_STAGE = {
    Stage.RECEIVED: WebhookEventType.ORDER_RECEIVED,
    Stage.IDENTIFIED: WebhookEventType.IDENT_PASSED,
    Stage.DOORSTEP_FALLBACK: WebhookEventType.IDENT_DOORSTEP_FALLBACK,
    Stage.DELIVERED: WebhookEventType.ORDER_DELIVERED,
    Stage.RETURNED: WebhookEventType.ORDER_RETURNED,
    Stage.CANCELLED: WebhookEventType.ORDER_CANCELLED,
}
# Stages entered for several reasons: the customer event says which.
_BY_STAGE_AND_EVENT = {
    (Stage.AWAITING_IDENT, Event.PHOTO_IDENT_FAILED): WebhookEventType.IDENT_PHOTO_FAILED,
    (Stage.AWAITING_VIDEO_AGENT, Event.VIDEO_CALL_BOOKED): WebhookEventType.IDENT_VIDEO_REQUESTED,
    (Stage.DISPATCHED, Event.PARCEL_DISPATCHED): WebhookEventType.ORDER_DISPATCHED,
    (Stage.DISPATCHED, Event.ATTEMPT_FAILED): WebhookEventType.DELIVERY_ATTEMPT_FAILED,
    # The last attempt failed: the customer hears of the return instead, the storefront of both.
    (Stage.DISPATCHED, None): WebhookEventType.DELIVERY_ATTEMPT_FAILED,
}


def webhook_event_type(stage: Stage, event: Event | None) -> WebhookEventType | None:
    """The webhook event of a stage change, or None for steps the storefront does not need
    (waiting for ident, photo check running, call in progress, courier on the way)."""
    return _BY_STAGE.get(stage) or _BY_STAGE_AND_EVENT.get((stage, event))


FINAL_EVENTS = frozenset(
    {WebhookEventType.ORDER_DELIVERED, WebhookEventType.ORDER_RETURNED, WebhookEventType.ORDER_CANCELLED}
)


class OrderEvent(BaseModel):
    """One thing that happened to an order. No names, e-mail addresses, images or codes: the
    storefront has the order itself, and follows the links for more."""

    order_id: str
    customer_no: str
    type: WebhookEventType
    stage: str
    # Rises with every stage change of the order: receivers can tell an old event from a new one.
    sequence: int = Field(ge=1)
    occurred_at: datetime
    ident_outcome: str | None = None
    attempt: int = 0  # delivery attempt, 0 before the first


# The publish step only records and hands over (no endpoint is called): quick, retried for a day
# if the webhooks worker or the database is down. The order never waits for it.
PUBLISH_OPTIONS: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "schedule_to_close_timeout": timedelta(days=1),
    "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)),
}
