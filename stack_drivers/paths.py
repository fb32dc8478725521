"""Every path an order can take, driven over HTTP by the people on it: the storefront places the order,
the customer identifies (photos, video call) or the shop cancels, the agent gives the verdict, the
courier hands over or reports a failed attempt. Each step that got a 2xx is written down, so the
run can check afterwards that it took effect."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine

from orderflow.contract.order import IdentMethod
from orderflow.crypto import load_key
from orderflow.delivery_codes import live_code
from orderflow.links import LinkPurpose, sign
from orderflow.settings import Settings
from stack_drivers.clients import RetryingClient
from stack_drivers.orders import make_order
from synthetic_ids.submission import standard_submission

FINAL = {"delivered", "returned", "cancelled"}


class Path(StrEnum):
    DOORSTEP = "doorstep_id"
    HIGH_VALUE = "high_value_code"
    FAILED_THEN_FRESH_CODE = "failed_attempt_then_fresh_code"
    VIDEO = "online_video_approved"
    PHOTOS = "online_photo_ident"
    CANCEL = "cancel_before_dispatch"


EXPECTED_END = {path: "cancelled" if path == Path.CANCEL else "delivered" for path in Path}
# E-mails each path cannot do without (more may come: reminders, a rescheduled day).
NEEDED_EMAILS = {
    Path.DOORSTEP: {"order_received", "parcel_dispatched", "delivered"},
    Path.HIGH_VALUE: {"order_received", "parcel_dispatched", "delivery_code", "delivered"},
    Path.FAILED_THEN_FRESH_CODE: {
        "order_received",
        "parcel_dispatched",
        "delivery_code",
        "attempt_failed",
        "delivered",
    },
    Path.VIDEO: {"order_received", "video_call_booked", "video_ident_result", "parcel_dispatched", "delivered"},
    Path.PHOTOS: {"order_received", "parcel_dispatched", "delivered"},
    Path.CANCEL: {"order_received", "cancelled"},
}


@dataclass
class Effect:
    """A step the API answered with 2xx: it must show in the order's end state."""

    order_id: str
    step: str  # "handover", "failed_attempt", "verdict", "cancel"
    attempt: int = 0


@dataclass
class Tokens:
    storefront: str
    agent: str
    courier: str

    def bearer(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, who)}"}


@dataclass
class World:
    client: RetryingClient
    tokens: Tokens
    settings: Settings  # the stack's: link secret and data key, as the customer's links and codes have them
    engine: Engine
    day_seconds: float
    effects: list[Effect] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    codes: dict[tuple[str, int], str] = field(default_factory=dict)
    placed: list[str] = field(default_factory=list)  # every order the storefront placed, in order
    poll_seconds: float = 0.3  # how often a courier looks whether the parcel is out (each look is a query)
    courier_arrives_within: float = 0.25  # share of the day before the courier is at the door

    async def state(self, order_id: str) -> dict[str, Any]:
        response = await self.client.request("GET", f"/orders/{order_id}", headers=self.tokens.bearer("storefront"))
        if response.status_code != 200:
            raise AssertionError(f"GET /orders/{order_id}: {response.status_code} {response.text}")
        return response.json()

    async def until_stage(self, order_id: str, stages: set[str]) -> dict[str, Any]:
        while True:
            state = await self.state(order_id)
            if state["stage"] in stages | FINAL:
                return state
            await asyncio.sleep(0.5)

    def code(self, order_id: str, attempt: int) -> str | None:
        """The code as the customer reads it on the tracking page (the store's live code)."""
        return live_code(self.engine, load_key(self.settings.data_key), order_id, attempt)


async def place(world: World, path: Path) -> str:
    """The storefront's checkout: POST /orders until it has an answer; a 409 for our own id means an
    earlier try went through and only its answer was lost."""
    ident = {
        Path.DOORSTEP: IdentMethod.DOORSTEP,
        Path.HIGH_VALUE: IdentMethod.NONE,
        Path.FAILED_THEN_FRESH_CODE: IdentMethod.NONE,
    }.get(path, IdentMethod.ONLINE)
    price = "1299.00" if path in (Path.HIGH_VALUE, Path.FAILED_THEN_FRESH_CODE) else "129.00"
    order = make_order(ident, unit_price=price, order_id=f"C-{path.name[:4]}-{random.randbytes(5).hex()}")
    body = order.model_dump(mode="json")
    world.placed.append(order.order_id)
    response = await world.client.request("POST", "/orders", json=body, headers=world.tokens.bearer("storefront"))
    if response.status_code == 409 and response.json()["code"] == "order_exists":
        return order.order_id
    if response.status_code != 201:
        raise AssertionError(f"POST /orders: {response.status_code} {response.text}")
    return order.order_id


def ident_path(world: World, order_id: str) -> str:
    # The link from the order confirmation e-mail (the customer keeps it, whatever the API answered).
    return f"/ident/{sign(world.settings, order_id, LinkPurpose.IDENT)}"


async def deliver(world: World, order_id: str, fail_first: bool = False) -> str:
    """The courier: at the door some time into the delivery day; code and ID check as the door check says."""
    headers = world.tokens.bearer("courier")
    url = f"/courier/deliveries/{order_id}"
    failed_reported = False
    seen_attempt: tuple[int, str] | None = None
    while True:
        door = (await world.client.request("GET", url, headers=headers)).json()
        if door["stage"] in FINAL:
            return str(door["stage"])
        if not door["out_for_delivery"]:
            await asyncio.sleep(world.poll_seconds)
            continue
        attempt = door["attempt"]
        if seen_attempt != (attempt, door["next_delivery_day"] or ""):
            # A new day's round: the courier reaches the door some time into the day.
            seen_attempt = (attempt, door["next_delivery_day"] or "")
            await asyncio.sleep(random.uniform(0, world.day_seconds * world.courier_arrives_within))
            continue
        if fail_first and attempt == 1 and not failed_reported:
            answer = await world.client.once(
                "POST", f"{url}/failed-attempt", json={"attempt": 1, "reason": "not_home"}, headers=headers
            )
            if answer is not None and answer.status_code == 200:
                failed_reported = True
                world.effects.append(Effect(order_id, "failed_attempt", 1))
            elif answer is None:
                await world.client.pause()
            continue
        body: dict[str, Any] = {"attempt": attempt, "id_checked": door["id_check_required"]}
        if door["code_required"]:
            code = await asyncio.to_thread(world.code, order_id, attempt)
            if code is None:
                await asyncio.sleep(0.3)
                continue
            world.codes[(order_id, attempt)] = code
            body["code"] = code
        answer = await world.client.once("POST", f"{url}/handover", json=body, headers=headers)
        if answer is None:  # lost, or "will not count against the customer": look again, then retry
            await world.client.pause()
            continue
        if answer.status_code == 200:
            if answer.json()["accepted"]:
                world.effects.append(Effect(order_id, "handover", attempt))
            elif answer.json()["reason"] == "not_counted":
                continue  # the day ended while we checked the code: the order moves it on, at no cost
            else:
                world.anomalies.append(f"{order_id}: handover refused: {answer.json()['reason']}")
        await asyncio.sleep(0.2)


async def doorstep(world: World) -> tuple[str, str]:
    order_id = await place(world, Path.DOORSTEP)
    return order_id, await deliver(world, order_id)


async def high_value(world: World) -> tuple[str, str]:
    order_id = await place(world, Path.HIGH_VALUE)
    return order_id, await deliver(world, order_id)


async def failed_then_fresh_code(world: World) -> tuple[str, str]:
    order_id = await place(world, Path.FAILED_THEN_FRESH_CODE)
    end = await deliver(world, order_id, fail_first=True)
    first, second = world.codes.get((order_id, 1)), world.codes.get((order_id, 2))
    if first is not None and first == second:
        world.anomalies.append(f"{order_id}: attempt 2 reused attempt 1's code")
    return order_id, end


async def video_approved(world: World) -> tuple[str, str]:
    order_id = await place(world, Path.VIDEO)
    state = await world.until_stage(order_id, {"awaiting_ident"})
    while state["stage"] == "awaiting_ident":  # the customer asks for a video call
        await world.client.once("POST", f"{ident_path(world, order_id)}/video")
        state = await world.until_stage(order_id, {"awaiting_ident", "awaiting_video_agent", "video_in_progress"})
    agent = world.tokens.bearer("agent")
    while state["stage"] in ("awaiting_video_agent", "video_in_progress"):
        session = state["video_session"]
        sessions = f"/agent/video-sessions/{session['session_id']}"
        if session["state"] == "waiting":
            await world.client.once("POST", f"{sessions}/claim", headers=agent)
        elif session["state"] == "claimed":
            answer = await world.client.once("POST", f"{sessions}/result", json={"verdict": "approved"}, headers=agent)
            if answer is not None and answer.status_code == 200:
                world.effects.append(Effect(order_id, "verdict"))
        state = await world.state(order_id)
        await asyncio.sleep(0.2)
    return order_id, await deliver(world, order_id)


async def photo_ident(world: World) -> tuple[str, str]:
    order_id = await place(world, Path.PHOTOS)
    state = await world.until_stage(order_id, {"awaiting_ident"})
    photos = standard_submission()
    while state["stage"] in ("awaiting_ident", "photo_check"):
        if state["stage"] == "awaiting_ident" and state["photo_tries_left"] > 0:
            files = {side: (f"{side}.jpg", data, "image/jpeg") for side, data in photos.items()}
            await world.client.once("POST", f"{ident_path(world, order_id)}/photos", files=files)
        await asyncio.sleep(0.5)
        state = await world.state(order_id)
    return order_id, await deliver(world, order_id)


async def cancel_before_dispatch(world: World) -> tuple[str, str]:
    order_id = await place(world, Path.CANCEL)
    state = await world.until_stage(order_id, {"awaiting_ident"})
    storefront = world.tokens.bearer("storefront")
    while state["stage"] not in FINAL:
        answer = await world.client.once("POST", f"/orders/{order_id}/cancel", json={}, headers=storefront)
        if answer is not None and answer.status_code == 200 and answer.json()["cancelled"]:
            world.effects.append(Effect(order_id, "cancel"))
        state = await world.state(order_id)
        await asyncio.sleep(0.2)
    return order_id, str(state["stage"])


DRIVERS: dict[Path, Callable[[World], Awaitable[tuple[str, str]]]] = {
    Path.DOORSTEP: doorstep,
    Path.HIGH_VALUE: high_value,
    Path.FAILED_THEN_FRESH_CODE: failed_then_fresh_code,
    Path.VIDEO: video_approved,
    Path.PHOTOS: photo_ident,
    Path.CANCEL: cancel_before_dispatch,
}
