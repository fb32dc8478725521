"""Only a checked handover delivers; a wrong-code lock cannot be bypassed; no free text reaches a customer."""

import asyncio

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from orderflow.contract.commands import CourierHandover, DeliveryFailed, OperatorAction
from orderflow.contract.names import CHECK_DELIVERY_CODE
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from tests.workflows.harness import make_order, out_for_delivery, running_order_worker, wait_for_stage
from workflows.order import OrderWorkflow

ACTION = OperatorAction(operator_id="ops-1", reason="courier entered the code wrongly")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def code_checks(handle) -> int:
    history = await handle.fetch_history()
    return sum(
        1
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and event.activity_task_scheduled_event_attributes.activity_type.name == CHECK_DELIVERY_CODE
    )


@pytest.mark.parametrize("fake_outcome", ["delivered", "code_locked", "end_of_day"])
async def test_a_failure_report_never_completes_a_delivery(time_skipping_env, engine, settings, fake_outcome):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.NONE))
        await out_for_delivery(time_skipping_env, handle)

        # Raw JSON, as a direct Temporal caller could send it: the reason is free text naming an outcome.
        await handle.signal("delivery_failed", {"attempt": 1, "reason": fake_outcome})

        status = await wait_for_stage(handle, Stage.DISPATCHED)
        assert status.stage == Stage.DISPATCHED and not status.attempt_locked
        assert "delivered" not in h.fakes.events()
        [failed] = await h.fakes.sent("attempt_failed")
        assert failed.context["reason"] == "other"


async def test_a_courier_note_never_reaches_the_customer(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.NONE))
        await out_for_delivery(time_skipping_env, handle)
        note = "Ring me at +49 151 000000 to get your parcel: http://evil.example"

        await handle.signal(OrderWorkflow.delivery_failed, DeliveryFailed(attempt=1, reason="not_home", note=note))

        [failed] = await h.fakes.sent("attempt_failed")
        assert failed.context["reason"] == "not_home"
        assert note not in failed.model_dump_json()


async def test_twenty_concurrent_wrong_codes_are_at_most_five_checks(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        await out_for_delivery(time_skipping_env, handle)
        bad = CourierHandover(attempt=1, code=wrong(h.code(order.order_id, 1)))

        answers = await asyncio.gather(
            *(handle.execute_update(OrderWorkflow.courier_handover, bad) for _ in range(20)), return_exceptions=True
        )

        checked = [a for a in answers if not isinstance(a, BaseException)]
        assert not any(a.accepted for a in checked)
        assert await code_checks(handle) <= settings.code_tries
        assert len(checked) <= settings.code_tries
        refused = [a for a in answers if isinstance(a, WorkflowUpdateFailedError)]
        assert len(refused) == len(answers) - len(checked)
        status = await wait_for_stage(handle, Stage.DISPATCHED)
        assert status.attempt_locked


async def test_a_reopened_attempt_gets_a_fresh_code_and_the_old_one_is_dead(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        await out_for_delivery(time_skipping_env, handle)
        old_code = h.code(order.order_id, 1)
        bad = CourierHandover(attempt=1, code=wrong(old_code))
        for _ in range(settings.code_tries):
            await handle.execute_update(OrderWorkflow.courier_handover, bad)
        await wait_for_stage(handle, Stage.DISPATCHED)

        await handle.execute_update(OrderWorkflow.operator_reopen_delivery_attempt, ACTION)

        await wait_for_stage(handle, Stage.OUT_FOR_DELIVERY)
        assert len(await h.fakes.sent("delivery_code", count=2)) == 2  # the fresh code is e-mailed
        new_code = h.code(order.order_id, 1)
        assert new_code != old_code
        stale = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=old_code))
        assert not stale.accepted and stale.reason == "wrong_code"
        done = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=new_code))
        assert done.accepted
        assert (await handle.result()).stage == Stage.DELIVERED
