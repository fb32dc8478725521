"""What the templates may say about one message: the request's context, complete and typed.

The workflow's context may lack keys (older orders, new fields): every name a template uses is
always present here, None when unknown, so templates stay strict about typos and lenient about data.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from orderflow import links
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
    ctx = request.context
    customer = request.customer
    # Counted from the event, not from this try: a retried e-mail is the same e-mail, links included.
    ident_url = links.ident_url(settings, request.order_id, request.occurred_at)
    tracking_url = links.tracking_url(settings, request.order_id, request.occurred_at)
    actions = [Link(a, ident_url + ACTION_ANCHORS[a]) for a in _codes(ctx, "next_actions") if a in ACTION_ANCHORS]
    valid_until = _moment(ctx, "valid_until")
    if valid_until is not None:
        valid_until = localtime.last_valid_moment(valid_until)
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
        "ident_method": _text(ctx, "ident_method"),
        "ident_deadline": _moment(ctx, "ident_deadline"),
        "high_value": ctx.get("high_value") is True,
        "reasons": [_reason(code) for code in _codes(ctx, "reasons")],
        "tries_left": _number(ctx, "tries_left"),
        "session_id": _text(ctx, "session_id"),
        "verdict": _text(ctx, "verdict"),
        "why": _text(ctx, "why"),
        "reason": _text(ctx, "reason"),
        "reason_code": _text(ctx, "reason_code"),
        "delivery_mode": _text(ctx, "delivery_mode"),
        "first_delivery_day": _moment(ctx, "first_delivery_day"),
        "attempt": _number(ctx, "attempt"),
        "valid_until": valid_until,
        "valid_today": valid_until is not None and localtime.same_local_day(valid_until, request.occurred_at, tz),
        "next_attempt_on": _moment(ctx, "next_attempt_on"),
        "missed_day": _moment(ctx, "missed_day"),
        "attempts_left": _number(ctx, "attempts_left"),
        "delivery_code": delivery_code,
    }
    facts["next_step"] = next_step(request.event, facts)
    return facts


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


def _text(ctx: dict[str, Any], name: str) -> str | None:
    value = ctx.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def _number(ctx: dict[str, Any], name: str) -> int | None:
    value = ctx.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _moment(ctx: dict[str, Any], name: str) -> datetime | None:
    value = ctx.get(name)
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _codes(ctx: dict[str, Any], name: str) -> list[str]:
    value = ctx.get(name)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
