"""Finding video-ident sessions through Temporal visibility (the `OrderStage` search attribute).

The workflow is the only record of a session, and the contract names a session by its id alone.
So the agent queue lists the orders waiting for an agent, and a session id is looked up among
the orders whose call is open (waiting or in progress): a short list by nature. Each candidate
is asked for its `status`, since visibility lags the workflow by a moment.
"""

import asyncio
from datetime import datetime

from pydantic import BaseModel
from temporalio.client import Client
from temporalio.service import RPCError

from api.errors import ApiError
from api.workflow_calls import order_status
from orderflow.commands import OrderStatus
from orderflow.settings import Settings
from orderflow.stages import Stage

OPEN_CALL_STAGES = (Stage.AWAITING_VIDEO_AGENT, Stage.VIDEO_IN_PROGRESS)
# Enough for any real queue; a longer one means something else is wrong (an operator matter).
MAX_LISTED = 200


class WaitingSession(BaseModel):
    session_id: str
    order_id: str
    requested_at: datetime
    ident_deadline: datetime | None


def _visibility_query(settings: Settings, stages: tuple[Stage, ...]) -> str:
    # Only this deployment's orders: the task queue keeps parallel deployments (and tests) apart.
    stage_list = ", ".join(f"'{stage.value}'" for stage in stages)
    return (
        f"WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running' "
        f"AND TaskQueue = '{settings.task_queue}' AND OrderStage IN ({stage_list})"
    )


async def _statuses(client: Client, settings: Settings, stages: tuple[Stage, ...]) -> list[OrderStatus]:
    order_ids = []
    async for execution in client.list_workflows(_visibility_query(settings, stages), limit=MAX_LISTED):
        order_ids.append(execution.id.removeprefix("order-"))

    async def status_or_none(order_id: str) -> OrderStatus | None:
        try:
            return await order_status(client, order_id)
        except (ApiError, RPCError):
            return None  # finished or gone since the listing: not in the queue any more

    found = await asyncio.gather(*(status_or_none(order_id) for order_id in order_ids))
    return [status for status in found if status is not None]


async def waiting_sessions(client: Client, settings: Settings) -> list[WaitingSession]:
    """Calls no agent has claimed yet, longest waiting first."""
    waiting = [
        WaitingSession(
            session_id=status.video_session.session_id,
            order_id=status.order_id,
            requested_at=status.video_session.requested_at,
            ident_deadline=status.ident_deadline,
        )
        for status in await _statuses(client, settings, (Stage.AWAITING_VIDEO_AGENT,))
        if status.stage == Stage.AWAITING_VIDEO_AGENT
        and status.video_session is not None
        and status.video_session.state == "waiting"
    ]
    return sorted(waiting, key=lambda session: session.requested_at)


async def find_session(client: Client, settings: Settings, session_id: str) -> OrderStatus | None:
    """The status of the order whose open call has this id, or None."""
    for status in await _statuses(client, settings, OPEN_CALL_STAGES):
        if status.video_session is not None and status.video_session.session_id == session_id:
            return status
    return None
