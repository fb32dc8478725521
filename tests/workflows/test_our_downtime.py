"""Our outage never costs the customer: a delivery day that orderflow could not run moves the attempt to
the next day without using it up, says so in the timeline and sends no code for a day that is over.

Workers stop and come back while real time passes, so these run on the dev server with 6-second delivery
days (the time-skipping server holds its clock while a workflow task waits for a worker)."""

import asyncio
from datetime import datetime, timedelta

import pytest

from orderflow.contract.commands import CourierHandover, CourierTurnedAway
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from tests.workflows.harness import make_order, out_for_delivery, running_order_worker, sleep_until, wait_for_stage
from workflows.order import OrderWorkflow

DAY = timedelta(seconds=6)


@pytest.fixture
def short_days(settings):
    # Default settings otherwise: a late day is our downtime for every new order, no setting needed.
    return settings.model_copy(update={"compressed_day": DAY})


async def until(env, moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - await env.get_current_time()).total_seconds()))


async def out_on(handle, attempt: int, patience: float = 15.0) -> object:
    for _ in range(int(patience / 0.1)):
        status = await handle.query(OrderWorkflow.status)
        if status.stage == Stage.OUT_FOR_DELIVERY and status.attempt == attempt:
            return status
        await asyncio.sleep(0.1)
    raise AssertionError(f"attempt {attempt} never went out: {status.stage}, attempt {status.attempt}")


async def test_workers_back_after_the_day_ended_reschedule_without_using_the_attempt(
    dev_server_env, engine, short_days
):
    env = dev_server_env
    async with running_order_worker(env.client, engine, short_days) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        dispatched = await wait_for_stage(handle, Stage.DISPATCHED)
        first_day = dispatched.next_delivery_day
    # No worker from before the first delivery day until after its end.
    await until(env, first_day + DAY + timedelta(seconds=1.5))
    async with running_order_worker(env.client, engine, short_days, restart_of=h):
        [moved] = await h.fakes.sent("delivery_rescheduled")
        assert moved.context["attempt"] == 1 and moved.context["attempts_left"] == short_days.delivery_attempts

        await out_on(handle, 1)

        [code_mail] = await h.fakes.sent("delivery_code")  # one code: none for the day that was over
        assert datetime.fromisoformat(code_mail.context["valid_until"]) > first_day + DAY
        done = await handle.execute_update(
            OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=h.code(order.order_id, 1))
        )
        assert done.accepted
        final = await handle.result()
        assert any("not counted" in change.note for change in final.timeline)
        assert "attempt_failed" not in h.fakes.events()


async def test_workers_down_at_the_end_of_the_day_do_not_use_up_the_attempt(dev_server_env, engine, short_days):
    env = dev_server_env
    async with running_order_worker(env.client, engine, short_days) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        first = await out_on(handle, 1)
        first_code = h.code(order.order_id, 1)
    await until(env, first.code_valid_until + timedelta(seconds=1.5))
    async with running_order_worker(env.client, engine, short_days, restart_of=h):
        await h.fakes.sent("delivery_rescheduled")
        again = await out_on(handle, 1)

        assert again.code_valid_until > first.code_valid_until
        fresh_code = h.code(order.order_id, 1)
        assert fresh_code != first_code
        assert len({m.key for m in await h.fakes.sent("delivery_code", count=2)}) == 2
        done = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=fresh_code))
        assert done.accepted
        final = await handle.result()
        assert any("could not run" in change.note for change in final.timeline)
        assert "attempt_failed" not in h.fakes.events()


async def test_a_courier_turned_away_by_our_outage_costs_no_attempt(dev_server_env, engine, short_days):
    async with running_order_worker(dev_server_env.client, engine, short_days) as h:
        handle = await h.start(make_order(IdentMethod.NONE, unit_price="49.00"))
        first = await out_on(handle, 1)

        await handle.signal(OrderWorkflow.courier_turned_away, CourierTurnedAway(attempt=1))

        await until(dev_server_env, first.stage_entered_at + DAY)
        [moved] = await h.fakes.sent("delivery_rescheduled")
        assert moved.context["attempts_left"] == short_days.delivery_attempts
        await out_on(handle, 1)
        assert "attempt_failed" not in h.fakes.events()
        await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1))
        await handle.result()


async def test_an_ordinary_end_of_day_still_counts(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.NONE, unit_price="49.00"))
        status = await out_for_delivery(time_skipping_env, handle)

        await sleep_until(time_skipping_env, status.stage_entered_at + timedelta(hours=17))

        again = await out_for_delivery(time_skipping_env, handle)
        assert again.attempt == 2
        [failed] = await h.fakes.sent("attempt_failed")
        assert failed.context["reason"] == "end_of_day"
        assert "delivery_rescheduled" not in h.fakes.events()


async def test_a_code_still_being_checked_when_the_day_ends_costs_no_attempt(dev_server_env, engine, settings):
    # The large chaos run: a courier's code reached the order just before the day's end, but the worker took up
    # the update together with the day's timer, and the attempt counted as a day ended without a handover.
    env, day = dev_server_env, timedelta(seconds=20)  # a lateness allowance of 2 s: the worker is back within it
    long_days = settings.model_copy(update={"compressed_day": day})
    async with running_order_worker(env.client, engine, long_days) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        first = await out_on(handle, 1, patience=45.0)
        code = h.code(order.order_id, 1)
        day_ends = first.code_valid_until
        await until(env, day_ends - timedelta(seconds=1))
    # The courier types the code with a second to go; no worker takes it up before the day is over.
    handover = asyncio.create_task(
        handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=code))
    )
    await until(env, day_ends + timedelta(seconds=0.3))
    async with running_order_worker(env.client, engine, long_days, restart_of=h):
        result = await handover
        [moved] = await h.fakes.sent("delivery_rescheduled")

        assert (result.accepted, result.reason) == (False, "not_counted")
        assert moved.context["attempt"] == 1 and moved.context["attempts_left"] == long_days.delivery_attempts
        again = await out_on(handle, 1, patience=45.0)
        assert "attempt_failed" not in h.fakes.events()
        fresh = h.code(order.order_id, 1)
        done = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=fresh))
        assert done.accepted and again.attempt == 1
        final = await handle.result()
        assert any("still being checked" in change.note for change in final.timeline)
