"""What the templates may say about one message: the request's context, complete and typed.

The context is read into its event's model (orderflow/contract/message_context.py), which accepts what
older orders wrote; every name a template uses is present here, None when the event does not say it,
so templates stay strict about typos and lenient about data.
"""

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from orderflow import links
from orderflow.contract.message_context import EventContext, read_context
from orderflow.contract.messages import Event, MessageRequest
from orderflow.contract.photo_ident import REASON_SIDES
from orderflow.delivery_codes import as_utc
from orderflow.settings import Settings
from orderflow.wording import localtime

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"

# The ident page offers every self-service action; the fragment opens the right section.
ACTION_ANCHORS = {
    "retake_photos": "#photos",
    "video_call": "#video",
    "join_video_call": "#video",
    "wait_for_agent": "#video",
    "doorstep": "#doorstep",
}


# Reason codes about one image carry its side as a prefix ("BACK_GLARE"), see activities/vision.


@dataclass(frozen=True)
class Reason:
    code: str  # "GLARE", "FACE_MISMATCH", ...: the templates' phrase tables explain each
    side: str | None = None  # "FRONT", "BACK", "PORTRAIT" for problems of one image


@dataclass(frozen=True)
class Link:
    kind: str  # the templates' phrase tables hold the words for each kind
    url: str


def template_locale(locale: str) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def message_facts(request: MessageRequest, settings: Settings, delivery_code: str | None) -> dict[str, Any]:
    ctx = read_context(request.event, request.context)
    customer = request.customer
    # Counted from the event, not from this try: a retried e-mail is the same e-mail, links included.
    ident_url = links.ident_url(settings, request.order_id, request.occurred_at)
    tracking_url = links.tracking_url(settings, request.order_id, request.occurred_at)
    next_actions = _said(ctx, "next_actions") or []
    actions = [Link(a, ident_url + ACTION_ANCHORS[a]) for a in next_actions if a in ACTION_ANCHORS]
    valid_until = _said(ctx, "valid_until")
    if valid_until is not None:
        valid_until = localtime.last_valid_moment(as_utc(valid_until))
    tz = ZoneInfo(settings.order_policy().timezone)
    facts: dict[str, Any] = {
        "locale": template_locale(customer.locale),
        "tz": tz,
        "event": request.event.value,
        "occurred_at": request.occurred_at,
        "order_id": request.order_id,
        "customer_no": customer.customer_no,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "full_name": f"{customer.first_name} {customer.last_name}",
        "sender_name": settings.mail_from_name,
        "ident_url": ident_url,
        "tracking_url": tracking_url,
        "actions": actions,
        "high_value": _said(ctx, "high_value") is True,
        "reasons": [_reason(code) for code in _said(ctx, "reasons") or []],
        "valid_until": valid_until,
        "valid_today": valid_until is not None and localtime.same_local_day(valid_until, request.occurred_at, tz),
        "delivery_code": delivery_code,
    }
    for name in _TEXTS:
        value = _said(ctx, name)
        facts[name] = str(value) if value not in (None, "") else None
    for name in _NUMBERS:
        facts[name] = _said(ctx, name)
    for name in _MOMENTS:
        moment = _said(ctx, name)
        facts[name] = as_utc(moment) if moment is not None else None
    facts["next_step"] = next_step(request.event, facts)
    return facts


# The names templates may use beyond the ones above, by kind; an event's model has some of them.
_TEXTS = ("ident_method", "session_id", "verdict", "why", "reason", "reason_code", "delivery_mode")
_NUMBERS = ("tries_left", "attempt", "attempts_left")
_MOMENTS = ("ident_deadline", "first_delivery_day", "next_attempt_on", "missed_day")


def _said(ctx: EventContext, name: str) -> Any:
    """The context's value of `name`, None when this event's model has no such field."""
    return getattr(ctx, name, None)


def next_step(event: Event, facts: dict[str, Any]) -> Link:
    """The one thing the customer can do next, on our pages: never "call us"."""
    ident = Link("start_ident", facts["ident_url"])
    track_order = Link("track_order", facts["tracking_url"])
    track_parcel = Link("track_parcel", facts["tracking_url"])
    if event == Event.ORDER_RECEIVED:
        return ident if facts["ident_method"] == "online" else track_order
    if event == Event.IDENT_REMINDER:
        return ident
    if event in (Event.PHOTO_IDENT_FAILED, Event.PHOTO_CHECK_UNAVAILABLE):
        return facts["actions"][0] if facts["actions"] else track_order
    if event == Event.VIDEO_CALL_BOOKED:
        return Link("join_video_call", facts["ident_url"] + ACTION_ANCHORS["join_video_call"])
    if event in (
        Event.PARCEL_DISPATCHED,
        Event.DELIVERY_CODE,
        Event.ATTEMPT_FAILED,
        Event.DELIVERY_RESCHEDULED,
        Event.DELIVERED,
    ):
        return track_parcel
    return track_order


def _reason(code: str) -> Reason:
    side, _, problem = code.partition("_")
    return Reason(problem, side) if side in REASON_SIDES.values() and problem else Reason(code)
