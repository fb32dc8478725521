"""Operator actions: validated updates that move stuck orders on, audited with who and why."""

import asyncio

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError

from orderflow.contract.commands import CancelOrder, CourierHandover, OperatorAction, RequestVideoIdent
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import IdentOutcome, Stage
from orderflow.store.orders import AuditEvent
from tests.workflows.harness import make_order, out_for_delivery, running_order_worker, wait_for_stage
from workflows.order import OrderWorkflow

ACTION = OperatorAction(operator_id="ops-1", reason="customer asked on the phone")


async def operator_rows(engine, order_id: str, count: int = 1) -> list[AuditEvent]:
    for _ in range(200):  # audit rows are written in the background
        with Session(engine) as session:
            rows = session.exec(
                select(AuditEvent).where(AuditEvent.order_id == order_id, AuditEvent.kind == "operator")
            ).all()
        if len(rows) >= count:
            return list(rows)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no operator audit row for {order_id}")


async def test_force_doorstep_while_waiting_for_an_agent(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
        await handle.execute_update(OrderWorkflow.request_video_ident, RequestVideoIdent())

        result = await handle.execute_update(OrderWorkflow.operator_force_doorstep, ACTION)

        assert result.done and result.stage == Stage.DOORSTEP_FALLBACK
        status = await handle.query(OrderWorkflow.status)
        assert status.ident_outcome == IdentOutcome.DOORSTEP and status.video_session.state == "withdrawn"
        [row] = await operator_rows(engine, order.order_id)
        assert row.actor == "operator:ops-1" and "customer asked on the phone" in row.note
        assert [m.context["why"] for m in await h.fakes.sent("doorstep_fallback")] == ["operator"]


async def test_resend_ident_link(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)

        await handle.execute_update(OrderWorkflow.operator_resend_ident_link, ACTION)
        await handle.execute_update(OrderWorkflow.operator_resend_ident_link, ACTION)

        resent = await h.fakes.sent("ident_reminder", count=2)
        assert len({m.key for m in resent}) == 2  # each resend is its own message, not a duplicate
        assert len(await operator_rows(engine, order.order_id, count=2)) == 2


async def test_reopen_a_locked_attempt_the_same_day(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        await out_for_delivery(time_skipping_env, handle)
        code = h.code(order.order_id, 1)
        bad = CourierHandover(attempt=1, code=f"{(int(code) + 1) % 1_000_000:06d}")
        for _ in range(5):
            await handle.execute_update(OrderWorkflow.courier_handover, bad)
        await wait_for_stage(handle, Stage.DISPATCHED)

        result = await handle.execute_update(OrderWorkflow.operator_reopen_delivery_attempt, ACTION)

        assert result.stage == Stage.OUT_FOR_DELIVERY
        status = await handle.query(OrderWorkflow.status)
        assert status.attempt == 1 and status.code_required and not status.attempt_locked
        fresh = h.code(order.order_id, 1)  # a re-open issues a fresh code: the old one had five guesses already
        assert fresh != code
        done = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=fresh))
        assert done.accepted
        assert (await handle.result()).stage == Stage.DELIVERED
        assert "re-opened attempt 1" in (await operator_rows(engine, order.order_id))[0].note


async def test_nothing_to_reopen_while_out_for_delivery(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.NONE, unit_price="20.00"))
        await out_for_delivery(time_skipping_env, handle)

        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(OrderWorkflow.operator_reopen_delivery_attempt, ACTION)

        assert refused.value.cause.type == "nothing_to_reopen"


async def test_operator_cancel_is_audited(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)

        await handle.execute_update(OrderWorkflow.cancel, CancelOrder(reason="fraud suspected", operator_id="ops-2"))

        assert (await handle.result()).stage == Stage.CANCELLED
        [row] = await operator_rows(engine, order.order_id)
        assert row.actor == "operator:ops-2" and "fraud suspected" in row.note
