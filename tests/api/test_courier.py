"""Couriers: the door check, handover with code or ID check, failed attempts (time-skipping server)."""

from datetime import timedelta

from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from tests.api.stack import AGENT_7, COURIER, STOREFRONT
from tests.workflows.harness import make_order, wait_for_stage


async def out_for_delivery(api, env, ident_method=IdentMethod.NONE, unit_price="899.00", attempt: int = 1):
    """Starts an order and skips time to the start of delivery attempt `attempt`."""
    order = make_order(ident_method=ident_method, unit_price=unit_price)
    handle = await api.h.start(order)
    for number in range(1, attempt + 1):
        status = await wait_for_stage(handle, Stage.DISPATCHED)
        await env.sleep(status.next_delivery_day - await env.get_current_time() + timedelta(minutes=1))
        status = await wait_for_stage(handle, Stage.OUT_FOR_DELIVERY)
        if number < attempt:
            await api.http.post(
                f"/courier/deliveries/{order.order_id}/failed-attempt",
                json={"attempt": number, "reason": "not_home"},
                headers=COURIER,
            )
    return order.order_id, handle


async def test_high_value_handover_with_the_code(skipping_api, time_skipping_env):
    api = skipping_api
    order_id, handle = await out_for_delivery(api, time_skipping_env)

    check = await api.http.get(f"/courier/deliveries/{order_id}", headers=COURIER)

    assert check.status_code == 200
    door = check.json()
    assert door["out_for_delivery"] and door["attempt"] == 1 and door["code_required"]
    assert not door["id_check_required"] and door["delivery_mode"] == "anyone_at_address"
    assert "6-digit delivery code" in door["instructions"]

    without_code = await api.http.post(f"/courier/deliveries/{order_id}/handover", json={"attempt": 1}, headers=COURIER)
    assert (without_code.status_code, without_code.json()["code"]) == (409, "code_required")
    malformed = await api.http.post(
        f"/courier/deliveries/{order_id}/handover", json={"attempt": 1, "code": "12ab56"}, headers=COURIER
    )
    assert malformed.status_code == 422
    assert "12ab56" not in malformed.text

    code = api.h.code(order_id, 1)
    handover = await api.http.post(
        f"/courier/deliveries/{order_id}/handover", json={"attempt": 1, "code": code}, headers=COURIER
    )

    assert handover.status_code == 200, handover.text
    assert handover.json()["accepted"] and handover.json()["reason"] == "delivered"
    await wait_for_stage(handle, Stage.DELIVERED)
    late = await api.http.post(
        f"/courier/deliveries/{order_id}/handover", json={"attempt": 1, "code": code}, headers=COURIER
    )
    assert (late.status_code, late.json()["code"]) == (409, "order_closed")


async def test_wrong_codes_lock_the_attempt(skipping_api, time_skipping_env):
    api = skipping_api
    order_id, handle = await out_for_delivery(api, time_skipping_env)
    right = api.h.code(order_id, 1)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    url = f"/courier/deliveries/{order_id}/handover"

    answers = [(await api.http.post(url, json={"attempt": 1, "code": wrong}, headers=COURIER)).json() for _ in range(5)]

    assert [a["tries_left"] for a in answers[:4]] == [4, 3, 2, 1]
    assert all(a["reason"] == "wrong_code" and not a["accepted"] for a in answers[:4])
    assert answers[4]["reason"] == "code_locked" and not answers[4]["accepted"]
    assert "locked" in answers[4]["message"]
    # Even the right code does not open a locked attempt; the courier is told why.
    after = await api.http.post(url, json={"attempt": 1, "code": right}, headers=COURIER)
    assert (after.status_code, after.json()["code"]) == (409, "attempt_locked")
    door = (await api.http.get(f"/courier/deliveries/{order_id}", headers=COURIER)).json()
    assert door["attempt_locked"] and not door["out_for_delivery"]
    assert (await wait_for_stage(handle, Stage.DISPATCHED)).attempt == 1


async def test_doorstep_needs_the_id_check(skipping_api, time_skipping_env):
    api = skipping_api
    order_id, handle = await out_for_delivery(api, time_skipping_env, IdentMethod.DOORSTEP, unit_price="99.00")
    door = (await api.http.get(f"/courier/deliveries/{order_id}", headers=COURIER)).json()
    assert door["id_check_required"] and not door["code_required"]
    assert "checking their ID" in door["instructions"]
    url = f"/courier/deliveries/{order_id}/handover"

    unchecked = await api.http.post(url, json={"attempt": 1}, headers=COURIER)
    assert (unchecked.status_code, unchecked.json()["code"]) == (409, "id_check_required")
    wrong_attempt = await api.http.post(url, json={"attempt": 2, "id_checked": True}, headers=COURIER)
    assert (wrong_attempt.status_code, wrong_attempt.json()["code"]) == (409, "wrong_attempt")

    checked = await api.http.post(url, json={"attempt": 1, "id_checked": True}, headers=COURIER)

    assert checked.status_code == 200 and checked.json()["accepted"]
    await wait_for_stage(handle, Stage.DELIVERED)


async def test_failed_attempt_moves_to_the_next_day(skipping_api, time_skipping_env):
    api = skipping_api
    order_id, handle = await out_for_delivery(api, time_skipping_env, unit_price="99.00")
    url = f"/courier/deliveries/{order_id}/failed-attempt"

    wrong = await api.http.post(url, json={"attempt": 2, "reason": "not_home"}, headers=COURIER)
    assert (wrong.status_code, wrong.json()["code"]) == (409, "wrong_attempt")

    for refused in ({"attempt": 1}, {"attempt": 1, "reason": "delivered"}, {"attempt": 1, "reason": "nobody home"}):
        answer = await api.http.post(url, json=refused, headers=COURIER)
        assert (answer.status_code, answer.json()["code"]) == (422, "invalid_request"), refused
    too_long = await api.http.post(url, json={"attempt": 1, "reason": "other", "note": "x" * 501}, headers=COURIER)
    assert too_long.status_code == 422
    assert (await wait_for_stage(handle, Stage.OUT_FOR_DELIVERY)).attempt == 1

    # The longest note the workflow takes, in any script, passes through.
    note = ("Klingel defekt — 门铃坏了 — الجرس معطل 🚪\n" * 20)[:500]
    body = {"attempt": 1, "reason": "not_home", "note": note}
    reported = await api.http.post(url, json=body, headers=COURIER)

    assert reported.status_code == 200, reported.text
    assert reported.json()["stage"] == "dispatched" and reported.json()["next_delivery_day"]
    again = await api.http.post(url, json={"attempt": 1, "reason": "not_home"}, headers=COURIER)
    assert (again.status_code, again.json()["code"]) == (409, "not_out_for_delivery")
    handover = await api.http.post(
        f"/courier/deliveries/{order_id}/handover", json={"attempt": 1, "id_checked": True}, headers=COURIER
    )
    assert (handover.status_code, handover.json()["code"]) == (409, "not_out_for_delivery")
    assert (await wait_for_stage(handle, Stage.DISPATCHED)).attempt == 1


async def test_courier_refusals(skipping_api):
    api = skipping_api
    order = make_order()
    await api.h.start_at_stage(order, Stage.AWAITING_IDENT)
    base = f"/courier/deliveries/{order.order_id}"

    for headers in ({}, STOREFRONT, AGENT_7):
        assert (await api.http.get(base, headers=headers)).status_code == 401
        assert (await api.http.post(f"{base}/handover", json={"attempt": 1}, headers=headers)).status_code == 401
    assert (await api.http.get("/courier/deliveries/NO-SUCH", headers=COURIER)).status_code == 404
    assert (
        await api.http.post("/courier/deliveries/NO-SUCH/handover", json={"attempt": 1}, headers=COURIER)
    ).status_code == 404
    not_yet = await api.http.post(f"{base}/handover", json={"attempt": 1, "id_checked": True}, headers=COURIER)
    assert (not_yet.status_code, not_yet.json()["code"]) == (409, "not_out_for_delivery")
    door = (await api.http.get(base, headers=COURIER)).json()
    assert not door["out_for_delivery"] and "do not hand it over" in door["instructions"]
    for body in ({}, {"attempt": 0}, {"attempt": 1, "code": 123456}, {"attempt": 1, "extra": True}):
        assert (await api.http.post(f"{base}/handover", json=body, headers=COURIER)).status_code == 422, body
    assert (await api.http.post(f"{base}/failed-attempt", json={"attempt": "x"}, headers=COURIER)).status_code == 422
    assert (await api.http.post(f"{base}/failed-attempt", json={"attempt": 1})).status_code == 401
    missing = await api.http.post(
        "/courier/deliveries/NO-SUCH/failed-attempt", json={"attempt": 1, "reason": "refused"}, headers=COURIER
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "order_not_found")
    assert (await api.http.get("/courier/deliveries/bad%20id", headers=COURIER)).status_code == 422
