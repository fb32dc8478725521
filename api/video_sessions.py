"""Finding video-ident sessions: the agent queue through Temporal visibility (the `OrderStage`
search attribute), one session by its id through the store's record of it.

The contract names a session by its id alone. The queue lists the orders waiting for an agent;
each candidate is asked for its `status`, since visibility lags the workflow by a moment, and the
workflow's answer is what counts.
"""

import asyncio
from datetime import datetime

import anyio
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client
from temporalio.service import RPCError

from api.errors import ApiError
from api.workflow_calls import order_status
from orderflow.contract.commands import OrderStatus
from orderflow.contract.order import order_id_of
from orderflow.contract.outcomes import VideoSessionState
from orderflow.contract.stages import Stage
from orderflow.settings import Settings
from orderflow.store.ident import VideoSession

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
        order_ids.append(order_id_of(execution.id) or execution.id)

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
        and status.video_session.state == VideoSessionState.WAITING
    ]
    return sorted(waiting, key=lambda session: session.requested_at)


def _recorded_order(engine: Engine, session_id: str) -> str | None:
    with Session(engine) as session:
        row = session.get(VideoSession, session_id)
        return row.order_id if row else None


async def find_session(client: Client, settings: Settings, engine: Engine, session_id: str) -> OrderStatus | None:
    """The status of the order that has (or had) this video session, or None.

    The store's record of the session names its order, decided sessions included; it is written in
    the background, so a session opened a moment ago is looked for among the open calls as well.
    """
    order_id = await anyio.to_thread.run_sync(_recorded_order, engine, session_id)
    if order_id is not None:
        try:
            status = await order_status(client, order_id)
        except ApiError:
            status = None
        if status is not None and status.video_session is not None and status.video_session.session_id == session_id:
            return status
    for status in await _statuses(client, settings, OPEN_CALL_STAGES):
        if status.video_session is not None and status.video_session.session_id == session_id:
            return status
    return None


async def calls_of_agent(client: Client, settings: Settings, agent_id: str) -> list[OrderStatus]:
    """The calls this agent claimed and has not decided yet (the console lists them to return to)."""
    return [
        status
        for status in await _statuses(client, settings, (Stage.VIDEO_IN_PROGRESS,))
        if status.video_session is not None
        and status.video_session.state == VideoSessionState.CLAIMED
        and status.video_session.agent_id == agent_id
    ]
