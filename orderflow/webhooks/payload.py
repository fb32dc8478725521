"""The JSON body of an event, in the Standard Webhooks shape `{"type", "timestamp", "data"}`.

Only ids, stage, times and links: never names, e-mail addresses, images or codes.
"""

import json
import uuid

from orderflow.contract.webhook_events import OrderEvent
from orderflow.links import tracking_url
from orderflow.settings import Settings

MAX_PAYLOAD_BYTES = 20_000
# Fixed namespace: the same order event (and endpoint) always gives the same ids, whatever is retried.
_IDS = uuid.UUID("6f0f2a49-6c1e-4c4f-9d55-0e7a3d1b5a10")


class PayloadTooLarge(ValueError):
    pass


def event_id(event: OrderEvent) -> str:
    return "evt_" + uuid.uuid5(_IDS, f"{event.order_id}/{event.sequence}").hex


def message_id(event_id: str, endpoint_id: str) -> str:
    """The `webhook-id` header: the idempotency key, stable across retries and redeliveries."""
    return "msg_" + uuid.uuid5(_IDS, f"{event_id}/{endpoint_id}").hex


def event_body(settings: Settings, event: OrderEvent) -> str:
    body = {
        "type": event.type.value,
        "timestamp": event.occurred_at.isoformat(),
        "data": {
            "event_id": event_id(event),
            "order_id": event.order_id,
            "customer_no": event.customer_no,
            "stage": event.stage,
            "sequence": event.sequence,
            "occurred_at": event.occurred_at.isoformat(),
            "ident_outcome": event.ident_outcome,
            "delivery_attempt": event.attempt,
            "links": {
                "status_url": f"{settings.public_base_url}/orders/{event.order_id}",
                "tracking_url": tracking_url(settings, event.order_id),
            },
        },
    }
    text = json.dumps(body, separators=(",", ":"))
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"event body of {len(text.encode())} bytes exceeds {MAX_PAYLOAD_BYTES}")
    return text
