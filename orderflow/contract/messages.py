"""What the workflow asks the messaging activity (task queue `messaging`) to send."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from orderflow.contract.order import Customer


class Event(StrEnum):
    ORDER_RECEIVED = "order_received"
    IDENT_REMINDER = "ident_reminder"
    PHOTO_IDENT_PASSED = "photo_ident_passed"
    PHOTO_IDENT_FAILED = "photo_ident_failed"
    PHOTO_CHECK_UNAVAILABLE = "photo_check_unavailable"  # our outage, not the customer's photos
    VIDEO_CALL_BOOKED = "video_call_booked"
    VIDEO_IDENT_RESULT = "video_ident_result"
    DOORSTEP_FALLBACK = "doorstep_fallback"
    PARCEL_DISPATCHED = "parcel_dispatched"
    DELIVERY_CODE = "delivery_code"
    ATTEMPT_FAILED = "attempt_failed"
    DELIVERY_RESCHEDULED = "delivery_rescheduled"  # a day lost to our downtime; no attempt used
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class MessageRequest(BaseModel):
    order_id: str
    event: Event
    # (order, event, n): the same key never produces a second e-mail, whatever is retried or replayed.
    key: str
    customer: Customer
    # Event details for the template: ident_method, deadline, reasons, tries_left, verdict,
    # attempt, valid_until, next_attempt_on, delivery_mode, ... Never a delivery code: the
    # messaging activity reads today's code from the store itself.
    context: dict[str, str | int | bool | list[str] | None] = {}
    occurred_at: datetime


class MessageReceipt(BaseModel):
    key: str
    # "sent", "captured" (local outbox), "duplicate", "unconfirmed" (outcome of an earlier try unknown),
    # "outdated" (nothing went out: it stopped applying first)
    status: str
    provider_message_id: str | None = None
