"""Stuck orders on the real dev server: the visibility query finds orders by stage and age.

Orders cannot be made old without waiting, so the searches ask how things look at a later
`now` ("in 11 minutes"), or with a threshold of zero: the query compares `StageEnteredAt` with
`now - threshold` either way, so both exercise the same comparison the server makes.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import WorkflowHandle

from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import RequestVideoIdent
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from orderflow.ops.stuck import NeverStuck, find_stuck
from tests.ops.conftest import indexed
from tests.workflows.harness import Harness, make_order, running_order_worker, wait_for_stage


@asynccontextmanager
async def three_waiting_orders(client, engine, settings) -> AsyncIterator[dict[Stage, WorkflowHandle]]:
    """One order waiting for its photos, one for a video agent, one for its delivery day."""
    async with running_order_worker(client, engine, settings) as h:
        handles = {
            Stage.AWAITING_IDENT: await h.start_at_stage(make_order(), Stage.AWAITING_IDENT),
            Stage.AWAITING_VIDEO_AGENT: await _waiting_for_agent(h),
            Stage.DISPATCHED: await h.start(make_order(IdentMethod.DOORSTEP, unit_price="49.00")),
        }
        try:
            await wait_for_stage(handles[Stage.DISPATCHED], Stage.DISPATCHED)
            await indexed(client, {handle.id: stage for stage, handle in handles.items()})
            yield handles
        finally:
            # Other tests list waiting orders of the same server: leave none behind.
            for handle in handles.values():
                await handle.terminate("test over")


async def _waiting_for_agent(h: Harness) -> WorkflowHandle:
    handle = await h.start_at_stage(make_order(), Stage.AWAITING_IDENT)
    await handle.execute_update(OrderWorkflowContract.request_video_ident, RequestVideoIdent())
    await wait_for_stage(handle, Stage.AWAITING_VIDEO_AGENT)
    return handle


def stages_found(report, handles: dict[Stage, WorkflowHandle]) -> set[Stage]:
    ours = {handle.id: stage for stage, handle in handles.items()}
    return {ours[order.workflow_id] for order in report.orders if order.workflow_id in ours}


async def test_each_stage_has_its_own_threshold(dev_server_env, engine, settings):
    client = dev_server_env.client
    async with three_waiting_orders(client, engine, settings) as handles:
        now = datetime.now(UTC)

        assert stages_found(await find_stuck(client, settings, now=now), handles) == set()
        # The agent queue is stuck after 10 minutes, the photos after the ident deadline (60 min) and
        # some grace, the parcel only when no delivery day came for three days.
        in_11_minutes = await find_stuck(client, settings, now=now + timedelta(minutes=11))
        assert stages_found(in_11_minutes, handles) == {Stage.AWAITING_VIDEO_AGENT}
        in_76_minutes = await find_stuck(client, settings, now=now + timedelta(minutes=76))
        assert stages_found(in_76_minutes, handles) == {Stage.AWAITING_VIDEO_AGENT, Stage.AWAITING_IDENT}
        in_3_days = await find_stuck(client, settings, now=now + timedelta(days=3, minutes=1))
        assert stages_found(in_3_days, handles) == set(handles)

        [video] = [o for o in in_11_minutes.orders if o.workflow_id == handles[Stage.AWAITING_VIDEO_AGENT].id]
        assert video.order_id == video.workflow_id.removeprefix("order-")
        assert video.threshold == timedelta(minutes=10)
        assert timedelta(minutes=11) <= video.age < timedelta(minutes=12)
        assert video.ui_url == f"{settings.temporal_ui_url}/namespaces/default/workflows/{video.workflow_id}"
        assert "OrderStage = 'awaiting_video_agent' AND StageEnteredAt < '" in in_11_minutes.query


async def test_stage_and_older_than_narrow_the_search(dev_server_env, engine, settings):
    client = dev_server_env.client
    async with three_waiting_orders(client, engine, settings) as handles:
        anything_waiting = await find_stuck(client, settings, older_than=timedelta(0))
        assert stages_found(anything_waiting, handles) == set(handles)

        photos_only = await find_stuck(client, settings, stage=Stage.AWAITING_IDENT, older_than=timedelta(0))
        assert stages_found(photos_only, handles) == {Stage.AWAITING_IDENT}
        assert stages_found(await find_stuck(client, settings, older_than=timedelta(hours=1)), handles) == set()


async def test_settings_override_a_stage_threshold(dev_server_env, engine, settings):
    client = dev_server_env.client
    async with three_waiting_orders(client, engine, settings) as handles:
        impatient = settings.model_copy(update={"stuck_thresholds": {Stage.DISPATCHED: timedelta(0)}})

        report = await find_stuck(client, impatient)

        assert stages_found(report, handles) == {Stage.DISPATCHED}


async def test_final_stages_are_never_stuck(dev_server_env, settings):
    with pytest.raises(NeverStuck):
        await find_stuck(dev_server_env.client, settings, stage=Stage.DELIVERED)
