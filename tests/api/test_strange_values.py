"""The longest and strangest values each forwarding endpoint lets through: the answer is 2xx or 4xx,
never 5xx, and an accepted order is never left stuck (it reaches its first real stage)."""

import asyncio
import json
from typing import Any

import httpx

from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import RequestVideoIdent
from orderflow.contract.outcomes import NOTE_MAX_LENGTH
from orderflow.contract.stages import Stage
from tests.api.stack import AGENT_7, COURIER, OPERATOR_TOKEN, STOREFRONT, bearer
from tests.workflows.harness import make_order, wait_for_stage

OPERATOR = bearer(OPERATOR_TOKEN)
# Accented, right-to-left (with an override), CJK, emoji and a combining mark; no control characters.
PRINTABLE = "Zoë \u202eevil\u202c مرحبا 中文 🚚📦 e\u0301 "
# The same with the control characters a form or a script may smuggle in.
CONTROL = "a\x00b\nc\rd\te\x1bf\x7f "


def fill(sample: str, length: int) -> str:
    return (sample * (length // len(sample) + 1))[:length]


def longest_order(order_id: str, text: str) -> dict[str, Any]:
    """An order at every upper limit of OrderInput, its free text made of `text`."""
    body = json.loads(make_order(order_id=order_id).model_dump_json(exclude={"policy"}))
    body["customer"].update(
        customer_no=fill(text, 64), first_name=fill(text, 200), last_name=fill(text, 200), locale="zz"
    )
    body["shipping_address"].update(street=fill(text, 200), postal_code=fill(text, 20), city=fill(text, 200))
    body["items"] = [
        {"sku": fill(text, 64), "name": fill(text, 300), "quantity": 1, "unit_price": "12.34"} for _ in range(500)
    ]
    return body


async def settles(api, order_id: str) -> Stage:
    """The stage an accepted order reaches; `received` means it never got past its first activities."""
    for _ in range(150):
        stage = Stage((await api.http.get(f"/orders/{order_id}", headers=STOREFRONT)).json()["stage"])
        if stage != Stage.RECEIVED:
            return stage
        await asyncio.sleep(0.1)
    return Stage.RECEIVED


def not_a_server_error(response: httpx.Response) -> None:
    assert response.status_code < 500, f"{response.request.method} {response.request.url.path}: {response.text}"
    if response.status_code >= 400 and response.headers["content-type"].startswith("application/json"):
        assert response.json()["code"], response.text


async def test_orders_at_their_limits(api):
    cases = {
        "printable": longest_order("S-" + fill("a", 62), PRINTABLE),
        "control": longest_order("S-ctl-" + fill("b", 58), CONTROL),
    }
    most_expensive = json.loads(make_order(order_id="S-pricey").model_dump_json(exclude={"policy"}))
    most_expensive["items"] = [
        {"sku": f"S{n}", "name": "gold", "quantity": 10_000, "unit_price": "9999999999.99"} for n in range(500)
    ]
    cases["most_expensive"] = most_expensive

    answers = {name: await api.http.post("/orders", json=body, headers=STOREFRONT) for name, body in cases.items()}

    for name, answer in answers.items():
        not_a_server_error(answer)
        if answer.status_code == 201:
            assert await settles(api, cases[name]["order_id"]) == Stage.AWAITING_IDENT, name
    assert answers["printable"].status_code == 201, answers["printable"].text
    # Control characters would end up in e-mail headers, labels and search attributes: refused up front.
    assert answers["control"].status_code == 422
    # A total the order store cannot hold would leave the order stuck in its first activity.
    assert answers["most_expensive"].status_code == 422


async def test_notes_and_reasons_at_their_limits(api):
    texts = [fill(PRINTABLE, NOTE_MAX_LENGTH), fill(CONTROL, NOTE_MAX_LENGTH), fill(PRINTABLE, NOTE_MAX_LENGTH + 1)]
    for text in texts:
        order = make_order()
        await api.h.start_at_stage(order, Stage.AWAITING_IDENT)
        base = f"/ops/orders/{order.order_id}"
        for action in ("resend-ident-link", "force-doorstep", "reopen-delivery-attempt", "cancel"):
            not_a_server_error(await api.http.post(f"{base}/{action}", json={"reason": text}, headers=OPERATOR))
        second = make_order()
        await api.h.start_at_stage(second, Stage.AWAITING_IDENT)
        cancel = await api.http.post(f"/orders/{second.order_id}/cancel", json={"reason": text}, headers=STOREFRONT)
        not_a_server_error(cancel)
        assert cancel.status_code == (422 if len(text) > NOTE_MAX_LENGTH else 200), cancel.text


async def test_agent_notes_at_their_limit_reach_the_workflow(api):
    # Approved, or rejected (the courier checks the ID): the order goes on to dispatch either way.
    for verdict, code, outcome in (("approved", None, "video_approved"), ("rejected", "other", "doorstep")):
        for text in (fill(PRINTABLE, NOTE_MAX_LENGTH), fill(CONTROL, NOTE_MAX_LENGTH)):
            order = make_order()
            handle = await api.h.start_at_stage(order, Stage.AWAITING_IDENT)
            call = await handle.execute_update(OrderWorkflowContract.request_video_ident, RequestVideoIdent())
            claim = await api.http.post(f"/agent/video-sessions/{call.session_id}/claim", headers=AGENT_7)
            assert claim.status_code == 200, claim.text
            body = {"verdict": verdict, "reason_code": code, "note": text}

            answer = await api.http.post(f"/agent/video-sessions/{call.session_id}/result", json=body, headers=AGENT_7)

            not_a_server_error(answer)
            assert answer.status_code == 200, answer.text
            assert (await wait_for_stage(handle, Stage.DISPATCHED)).ident_outcome == outcome


async def test_courier_notes_are_checked_before_the_stage(api):
    order = make_order()
    handle = await api.h.start_at_stage(order, Stage.AWAITING_IDENT)
    url = f"/courier/deliveries/{order.order_id}/failed-attempt"
    for text in (fill(PRINTABLE, NOTE_MAX_LENGTH), fill(CONTROL, NOTE_MAX_LENGTH)):
        answer = await api.http.post(url, json={"attempt": 100, "reason": "other", "note": text}, headers=COURIER)
        not_a_server_error(answer)
        assert answer.status_code == 409  # valid, but the parcel is not out for delivery
    too_long = await api.http.post(url, json={"attempt": 1, "reason": "other", "note": "x" * 501}, headers=COURIER)
    assert too_long.status_code == 422
    assert (await wait_for_stage(handle, Stage.AWAITING_IDENT)).timeline[-1].stage == Stage.AWAITING_IDENT


async def test_strange_path_parameters(api):
    paths = [
        "/orders/" + fill("A", 64),
        "/orders/" + fill("A", 65),
        "/orders/%C3%A9%F0%9F%9A%9A",
        "/orders/a%00b",
        "/orders/a%0Ab",
        "/orders/..%2F..%2Fetc",
        "/courier/deliveries/" + fill("Z9", 64),
        "/courier/deliveries/%E2%80%AEx",
    ]
    for path in paths:
        headers = COURIER if path.startswith("/courier") else STOREFRONT
        not_a_server_error(await api.http.get(path, headers=headers))
    for session in (fill("a", 64), fill("a", 65), "%00", "%F0%9F%93%A6", "a%0Ab"):
        not_a_server_error(await api.http.post(f"/agent/video-sessions/{session}/claim", headers=AGENT_7))
    for token in (fill("t", 300), fill("t", 301), "%00", "%D9%85%D8%B1"):
        not_a_server_error(await api.http.get(f"/ident/{token}"))
        not_a_server_error(await api.http.post(f"/ident/{token}/doorstep"))


async def test_codec_refuses_what_is_not_base64(api):
    for payload in ({"data": "é"}, {"data": "AAAA", "metadata": {"encoding": "\u202e🚚"}}, {"data": "A\x00=="}):
        for action in ("encode", "decode"):
            answer = await api.http.post(f"/codec/{action}", json={"payloads": [payload]}, headers=OPERATOR)
            assert (answer.status_code, answer.json()["code"]) == (422, "invalid_payload"), (action, payload)
