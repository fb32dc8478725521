"""Delivery attempts: one-time codes, ID checks, failed days and the return to sender."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowUpdateFailedError

from orderflow.contract.commands import CourierHandover, DeliveryFailed
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import DeliveryMode, Stage
from tests.workflows.harness import make_order, out_for_delivery, running_order_worker, sleep_until, wait_for_stage
from workflows.order import OrderWorkflow

BERLIN = ZoneInfo("Europe/Berlin")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_no_ident_order_goes_to_anyone_at_the_address(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.NONE, unit_price="49.90"))

        status = await out_for_delivery(time_skipping_env, handle)

        assert status.delivery_mode == DeliveryMode.ANYONE_AT_ADDRESS
        assert not status.code_required
        assert status.stage_entered_at.astimezone(BERLIN).hour == 8
        assert status.stage_entered_at.astimezone(BERLIN).isoweekday() in range(1, 7)  # Mon-Sat
        result = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1))
        assert result.accepted
        assert (await handle.result()).stage == Stage.DELIVERED
        assert "delivery_code" not in h.fakes.events()
        assert await h.fakes.sent("delivered")


async def test_code_right_at_the_first_try(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.NONE, unit_price="899.00")
        handle = await h.start(order)

        status = await out_for_delivery(time_skipping_env, handle)

        assert status.code_required and status.high_value
        assert status.code_valid_until.astimezone(BERLIN).time().isoformat() == "00:00:00"
        [message] = await h.fakes.sent("delivery_code")
        code = h.code(order.order_id, 1)
        assert code.isdigit() and len(code) == 6
        assert code not in message.model_dump_json()  # the messaging activity reads the code itself
        result = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=code))
        assert result.accepted and result.reason == "delivered"
        assert (await handle.result()).stage == Stage.DELIVERED


async def test_five_wrong_codes_lock_the_attempt(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        await out_for_delivery(time_skipping_env, handle)
        bad = CourierHandover(attempt=1, code=wrong(h.code(order.order_id, 1)))

        answers = [await handle.execute_update(OrderWorkflow.courier_handover, bad) for _ in range(5)]

        assert [a.tries_left for a in answers] == [4, 3, 2, 1, 0]
        assert [a.reason for a in answers] == ["wrong_code"] * 4 + ["code_locked"]
        status = await wait_for_stage(handle, Stage.DISPATCHED)
        assert status.attempt_locked
        [failed] = await h.fakes.sent("attempt_failed")
        assert failed.context["reason"] == "code_locked"
        right = CourierHandover(attempt=1, code=h.code(order.order_id, 1))
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(OrderWorkflow.courier_handover, right)
        assert refused.value.cause.type == "not_out_for_delivery"


async def test_failed_attempt_then_fresh_code_next_day_and_old_code_refused(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        first = await out_for_delivery(time_skipping_env, handle)
        old_code = h.code(order.order_id, 1)

        await handle.signal(OrderWorkflow.delivery_failed, DeliveryFailed(attempt=1, reason="not_home"))

        second = await out_for_delivery(time_skipping_env, handle)
        assert second.attempt == 2
        assert second.code_valid_until.astimezone(BERLIN).date() > first.code_valid_until.astimezone(BERLIN).date()
        new_code = h.code(order.order_id, 2)
        assert new_code != old_code
        [failed] = await h.fakes.sent("attempt_failed")
        assert failed.context["reason"] == "not_home"
        next_attempt_on = datetime.fromisoformat(failed.context["next_attempt_on"])
        assert timedelta(0) <= second.stage_entered_at - next_attempt_on < timedelta(seconds=1)
        stale = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=2, code=old_code))
        assert not stale.accepted and stale.reason == "wrong_code"
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=old_code))
        assert refused.value.cause.type == "wrong_attempt"
        done = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=2, code=new_code))
        assert done.accepted


async def test_end_of_the_day_without_handover(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.NONE))
        status = await out_for_delivery(time_skipping_env, handle)

        await sleep_until(time_skipping_env, status.code_valid_until)

        after = await wait_for_stage(handle, Stage.DISPATCHED)
        assert after.attempt == 1 and not after.code_required
        [failed] = await h.fakes.sent("attempt_failed")
        assert failed.context["reason"] == "end_of_day"
        assert failed.context["attempts_left"] == 2


async def test_three_failed_attempts_then_returned(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.NONE))
        for attempt in (1, 2, 3):
            status = await out_for_delivery(time_skipping_env, handle)
            assert status.attempt == attempt
            await handle.signal(OrderWorkflow.delivery_failed, DeliveryFailed(attempt=attempt, reason="refused"))

        final = await handle.result()

        assert final.stage == Stage.RETURNED
        assert [c.stage for c in final.timeline].count(Stage.OUT_FOR_DELIVERY) == 3
        assert await h.fakes.sent("returned")
        assert len(await h.fakes.sent("attempt_failed", count=2)) == 2


async def test_doorstep_handover_needs_the_id_check(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.DOORSTEP, unit_price="120.00"))
        status = await out_for_delivery(time_skipping_env, handle)
        assert status.delivery_mode == DeliveryMode.RECIPIENT_WITH_ID

        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1))
        assert refused.value.cause.type == "id_check_required"
        result = await handle.execute_update(
            OrderWorkflow.courier_handover, CourierHandover(attempt=1, id_checked=True)
        )
        assert result.accepted
