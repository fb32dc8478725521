"""The operators' API on the dev server: the stuck-orders view and the actions that move orders on,
each audited with the operator behind the token and the reason given."""

import asyncio
from datetime import timedelta

from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import CourierHandover, RequestVideoIdent
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import IdentOutcome, Stage
from tests.api.stack import running_api
from tests.ops.conftest import OPERATOR, indexed, operator_rows, with_operators
from tests.workflows.harness import make_order, wait_for_stage

REASON = {"reason": "customer called the hotline"}


async def test_stuck_view_finds_a_waiting_order_and_links_it(ops_api):
    handle = await ops_api.h.start_at_stage(make_order(), Stage.AWAITING_IDENT)
    await indexed(ops_api.h.client, {handle.id: Stage.AWAITING_IDENT})

    response = await ops_api.http.get(
        "/ops/stuck", params={"stage": "awaiting_ident", "older_than": "PT0S"}, headers=OPERATOR
    )

    assert response.status_code == 200
    [found] = [order for order in response.json()["orders"] if order["workflow_id"] == handle.id]
    assert found["stage"] == "awaiting_ident"
    assert found["ui_url"].endswith(f"/namespaces/default/workflows/{handle.id}")
    assert "OrderStage = 'awaiting_ident'" in response.json()["query"]
    await handle.terminate("test over")


async def test_stuck_view_wants_an_operator_and_sane_parameters(ops_api):
    assert (await ops_api.http.get("/ops/stuck")).status_code == 401
    wrong = await ops_api.http.get("/ops/stuck", headers={"Authorization": "Bearer ops-1-test-tokeN"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "unauthorized"

    for params, code in [
        ({"older_than": "two hours"}, "invalid_request"),
        ({"stage": "lost_in_space"}, "invalid_request"),
        ({"older_than": "-PT1H"}, "invalid_request"),
        ({"stage": "delivered"}, "never_stuck"),
    ]:
        response = await ops_api.http.get("/ops/stuck", params=params, headers=OPERATOR)
        assert (response.status_code, response.json()["code"]) == (422, code), params


async def test_force_doorstep_moves_a_stuck_video_order_on(ops_api, engine):
    order = make_order()
    handle = await ops_api.h.start_at_stage(order, Stage.AWAITING_IDENT)
    await handle.execute_update(OrderWorkflowContract.request_video_ident, RequestVideoIdent())
    await wait_for_stage(handle, Stage.AWAITING_VIDEO_AGENT)

    response = await ops_api.http.post(f"/ops/orders/{order.order_id}/force-doorstep", json=REASON, headers=OPERATOR)

    assert response.status_code == 200
    assert response.json()["done"] is True and response.json()["stage"] == "doorstep_fallback"
    status = await wait_for_stage(handle, Stage.DISPATCHED)
    assert status.ident_outcome == IdentOutcome.DOORSTEP
    [row] = await operator_rows(engine, order.order_id)
    assert row.actor == "operator:ops-1" and "customer called the hotline" in row.note
    await indexed(ops_api.h.client, {handle.id: Stage.DISPATCHED})
    stuck = await ops_api.http.get("/ops/stuck", params={"older_than": "PT0S"}, headers=OPERATOR)
    assert [o["stage"] for o in stuck.json()["orders"] if o["workflow_id"] == handle.id] == ["dispatched"]
    await handle.terminate("test over")


async def test_resend_ident_link_sends_the_reminder_again(ops_api, engine):
    order = make_order()
    handle = await ops_api.h.start_at_stage(order, Stage.AWAITING_IDENT)

    response = await ops_api.http.post(f"/ops/orders/{order.order_id}/resend-ident-link", json=REASON, headers=OPERATOR)

    assert response.status_code == 200 and response.json()["stage"] == "awaiting_ident"
    [reminder] = await ops_api.h.fakes.sent("ident_reminder")
    assert reminder.order_id == order.order_id
    [row] = await operator_rows(engine, order.order_id)
    assert row.actor == "operator:ops-1"
    await handle.terminate("test over")


async def test_cancel_by_an_operator_is_audited(ops_api, engine):
    order = make_order()
    handle = await ops_api.h.start_at_stage(order, Stage.AWAITING_IDENT)

    response = await ops_api.http.post(
        f"/ops/orders/{order.order_id}/cancel", json={"reason": "fraud suspected"}, headers=OPERATOR
    )

    assert response.status_code == 200
    assert response.json() == {"cancelled": True, "stage": "cancelled"}
    assert (await handle.result()).stage == Stage.CANCELLED
    [row] = await operator_rows(engine, order.order_id)
    assert row.actor == "operator:ops-1" and "fraud suspected" in row.note


async def test_refusals_leave_no_trace(ops_api, engine):
    order = make_order(IdentMethod.DOORSTEP, unit_price="49.00")
    handle = await ops_api.h.start(order)
    await wait_for_stage(handle, Stage.DISPATCHED)
    path = f"/ops/orders/{order.order_id}"

    refused = await ops_api.http.post(f"{path}/force-doorstep", json=REASON, headers=OPERATOR)
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_stage"
    nothing = await ops_api.http.post(f"{path}/reopen-delivery-attempt", json=REASON, headers=OPERATOR)
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_to_reopen"
    no_why = await ops_api.http.post(f"{path}/cancel", json={"reason": ""}, headers=OPERATOR)
    assert no_why.status_code == 422
    assert (await ops_api.http.post(f"{path}/cancel", json=REASON)).status_code == 401
    unknown = await ops_api.http.post("/ops/orders/NO-SUCH-ORDER/cancel", json=REASON, headers=OPERATOR)
    assert unknown.status_code == 404
    history = [event async for event in handle.fetch_history_events()]
    assert not any(event.HasField("workflow_execution_update_accepted_event_attributes") for event in history)
    await handle.terminate("test over")


async def test_reopen_a_locked_attempt_the_same_day(dev_server_env, engine, settings):
    # A compressed calendar brings the delivery day within seconds on the real server.
    quick = with_operators(settings.model_copy(update={"compressed_day": timedelta(seconds=6)}))
    async with running_api(dev_server_env.client, engine, quick) as api:
        order = make_order(IdentMethod.NONE)  # high value: the courier needs the code
        handle = await api.h.start(order)
        await until_stage(handle, Stage.OUT_FOR_DELIVERY)
        code = api.h.code(order.order_id, 1)
        wrong = CourierHandover(attempt=1, code=f"{(int(code) + 1) % 1_000_000:06d}")
        for _ in range(5):
            await handle.execute_update(OrderWorkflowContract.courier_handover, wrong)
        await until_stage(handle, Stage.DISPATCHED)

        response = await api.http.post(
            f"/ops/orders/{order.order_id}/reopen-delivery-attempt", json=REASON, headers=OPERATOR
        )

        assert response.status_code == 200 and response.json()["stage"] == "out_for_delivery"
        fresh = api.h.code(order.order_id, 1)  # a re-open issues a fresh code: the old one had five guesses already
        assert fresh != code
        right = CourierHandover(attempt=1, code=fresh)
        assert (await handle.execute_update(OrderWorkflowContract.courier_handover, right)).accepted
        [row] = await operator_rows(engine, order.order_id)
        assert "re-opened attempt 1" in row.note and row.actor == "operator:ops-1"


async def until_stage(handle, stage: Stage, seconds: float = 15) -> None:
    """Like wait_for_stage, with the patience a real clock needs."""
    for _ in range(int(seconds / 0.05)):
        if (await handle.query(OrderWorkflowContract.status)).stage == stage:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never reached {stage}")
