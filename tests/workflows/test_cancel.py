"""Cancelling: possible until the parcel leaves the warehouse, refused with a reason after."""

import pytest
from temporalio.client import WorkflowUpdateFailedError

from orderflow.contract.commands import CancelOrder
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from tests.workflows.harness import make_order, running_order_worker, wait_for_stage
from workflows.order import OrderWorkflow


async def test_cancel_before_dispatch(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start_at_stage(make_order(), Stage.AWAITING_IDENT)

        result = await handle.execute_update(OrderWorkflow.cancel, CancelOrder(reason="customer withdrew"))

        assert result.cancelled and result.stage == Stage.CANCELLED
        final = await handle.result()
        assert final.stage == Stage.CANCELLED and final.cancel_reason == "customer withdrew"
        assert Stage.DISPATCHED not in [c.stage for c in final.timeline]
        assert await h.fakes.sent("cancelled")


async def test_cancel_after_dispatch_is_refused(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order(IdentMethod.NONE))
        await wait_for_stage(handle, Stage.DISPATCHED)

        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(OrderWorkflow.cancel, CancelOrder(reason="too late"))

        assert refused.value.cause.type == "wrong_stage"
        assert "left the warehouse" in refused.value.cause.message
        status = await handle.query(OrderWorkflow.status)
        assert status.stage == Stage.DISPATCHED and status.cancel_reason is None
