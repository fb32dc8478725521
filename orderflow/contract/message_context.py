"""What each customer message says beyond the order itself: one model per event.

The workflow writes a context as the JSON object `MessageRequest.context` (a plain dict, the shape running
orders' histories carry); the messaging activity reads it back into its event's model with `read_context`.
Moments travel as ISO 8601 text written by `datetime.isoformat`, as they always have. Older orders wrote
fewer keys, or other ones (a video verdict's free-text `reason` before reason codes): every field has a
default, unknown keys are ignored, and a value of the wrong type is dropped rather than failing the e-mail.
"""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, ValidationError

from orderflow.contract.messages import Event
from orderflow.contract.order import IdentMethod
from orderflow.contract.outcomes import VideoRejectReason
from orderflow.contract.stages import DeliveryMode, NextAction

Moment = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a count, not a yes or no")  # pydantic would read True as 1
    return value


Count = Annotated[int, BeforeValidator(_no_bool)]


class EventContext(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object the workflow sends: the keys it set, in the fields' order."""
        return self.model_dump(mode="json", exclude_unset=True)


class NoContext(EventContext):
    """Photo check passed, returned, cancelled: the order says it all."""


class OrderReceived(EventContext):
    ident_method: IdentMethod | None = None
    ident_deadline: Moment | None = None
    high_value: bool = False


class IdentReminder(EventContext):
    ident_deadline: Moment | None = None


class PhotoIdentFailed(EventContext):
    reasons: list[str] = []
    tries_left: Count | None = None
    next_actions: list[NextAction] = []


class PhotoCheckUnavailable(EventContext):
    next_actions: list[NextAction] = []


class VideoCallBooked(EventContext):
    session_id: str | None = None


class DoorstepFallback(EventContext):
    why: str | None = None


class VideoIdentResult(EventContext):
    why: str | None = None  # with a rejection: the doorstep check follows
    verdict: str | None = None
    reason_code: VideoRejectReason | None = None
    reason: str | None = None  # older orders: the agent's own words, before reason codes


class ParcelDispatched(EventContext):
    delivery_mode: DeliveryMode | None = None
    high_value: bool = False
    first_delivery_day: Moment | None = None


class DeliveryCode(EventContext):
    attempt: Count | None = None
    valid_until: Moment | None = None
    delivery_mode: DeliveryMode | None = None


class AttemptFailed(EventContext):
    attempt: Count | None = None
    reason: str | None = None  # the courier's reason code, or how the attempt ended
    next_attempt_on: Moment | None = None
    attempts_left: Count | None = None


class DeliveryRescheduled(EventContext):
    attempt: Count | None = None
    missed_day: Moment | None = None
    next_attempt_on: Moment | None = None
    attempts_left: Count | None = None


class Delivered(EventContext):
    attempt: Count | None = None


CONTEXTS: dict[Event, type[EventContext]] = {
    Event.ORDER_RECEIVED: OrderReceived,
    Event.IDENT_REMINDER: IdentReminder,
    Event.PHOTO_IDENT_PASSED: NoContext,
    Event.PHOTO_IDENT_FAILED: PhotoIdentFailed,
    Event.PHOTO_CHECK_UNAVAILABLE: PhotoCheckUnavailable,
    Event.VIDEO_CALL_BOOKED: VideoCallBooked,
    Event.VIDEO_IDENT_RESULT: VideoIdentResult,
    Event.DOORSTEP_FALLBACK: DoorstepFallback,
    Event.PARCEL_DISPATCHED: ParcelDispatched,
    Event.DELIVERY_CODE: DeliveryCode,
    Event.ATTEMPT_FAILED: AttemptFailed,
    Event.DELIVERY_RESCHEDULED: DeliveryRescheduled,
    Event.DELIVERED: Delivered,
    Event.RETURNED: NoContext,
    Event.CANCELLED: NoContext,
}


def read_context(event: Event, context: dict[str, Any]) -> EventContext:
    """The event's model of a context as any workflow version wrote it; values of the wrong type are left out."""
    model = CONTEXTS[event]
    try:
        return model.model_validate(context)
    except ValidationError as invalid:
        wrong = {error["loc"][0] for error in invalid.errors() if error["loc"]}
        return model.model_validate({key: value for key, value in context.items() if key not in wrong})
