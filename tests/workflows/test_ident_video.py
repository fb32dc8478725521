"""Video identification: an agent claims the call and sends the verdict; deadlines bound it."""

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from orderflow.contract.commands import ChooseDoorstep, ClaimVideoSession, RequestVideoIdent, VideoIdentResult
from orderflow.contract.stages import DeliveryMode, IdentOutcome, Stage
from tests.workflows.harness import make_order, running_order_worker, wait_for_stage
from workflows.order import OrderWorkflow


async def open_call(h):
    handle = await h.start_at_stage(make_order(), Stage.AWAITING_IDENT)
    session = await handle.execute_update(OrderWorkflow.request_video_ident, RequestVideoIdent())
    return handle, session.session_id


def verdict(session_id: str, value: str, agent: str = "agent-7") -> VideoIdentResult:
    return VideoIdentResult(session_id=session_id, agent_id=agent, verdict=value, reason="document checked")


async def test_video_approved(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle, session_id = await open_call(h)
        assert (await handle.query(OrderWorkflow.status)).stage == Stage.AWAITING_VIDEO_AGENT

        claim = await handle.execute_update(
            OrderWorkflow.claim_video_session, ClaimVideoSession(session_id=session_id, agent_id="agent-7")
        )
        assert claim.accepted and claim.last_name == "Mustermann" and claim.date_of_birth == "1964-08-12"
        await handle.signal(OrderWorkflow.video_ident_result, verdict(session_id, "approved"))

        status = await wait_for_stage(handle, Stage.DISPATCHED)
        assert status.ident_outcome == IdentOutcome.VIDEO_APPROVED
        assert status.delivery_mode == DeliveryMode.ANYONE_AT_ADDRESS
        assert status.video_session.state == "approved"
        await h.fakes.sent("video_ident_result")
        assert [e for e in h.fakes.events() if e.startswith("video")] == ["video_call_booked", "video_ident_result"]


async def test_video_rejected(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle, session_id = await open_call(h)
        await handle.execute_update(
            OrderWorkflow.claim_video_session, ClaimVideoSession(session_id=session_id, agent_id="agent-7")
        )
        await handle.signal(OrderWorkflow.video_ident_result, verdict(session_id, "rejected"))

        status = await wait_for_stage(handle, Stage.DISPATCHED)
        assert status.ident_outcome == IdentOutcome.DOORSTEP
        assert status.delivery_mode == DeliveryMode.RECIPIENT_WITH_ID
        [result_message] = await h.fakes.sent("video_ident_result")
        assert result_message.context["verdict"] == "rejected"
        assert result_message.context["why"] == "video_rejected"


async def test_video_claimed_at_minute_59_finishes_after_the_deadline(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle, session_id = await open_call(h)
        await time_skipping_env.sleep(timedelta(minutes=59))
        await handle.execute_update(
            OrderWorkflow.claim_video_session, ClaimVideoSession(session_id=session_id, agent_id="agent-7")
        )
        await time_skipping_env.sleep(timedelta(minutes=5))  # past the 60-minute deadline
        assert (await handle.query(OrderWorkflow.status)).stage == Stage.VIDEO_IN_PROGRESS

        await handle.signal(OrderWorkflow.video_ident_result, verdict(session_id, "approved"))

        status = await wait_for_stage(handle, Stage.DISPATCHED)
        assert status.ident_outcome == IdentOutcome.VIDEO_APPROVED


async def test_claimed_call_without_verdict_ends_after_20_minutes(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle, session_id = await open_call(h)
        await time_skipping_env.sleep(timedelta(minutes=50))
        await handle.execute_update(
            OrderWorkflow.claim_video_session, ClaimVideoSession(session_id=session_id, agent_id="agent-7")
        )
        await time_skipping_env.sleep(timedelta(minutes=21))

        status = await handle.query(OrderWorkflow.status)
        assert status.ident_outcome == IdentOutcome.DOORSTEP
        assert status.video_session.state == "expired"
        # A verdict that comes too late changes nothing.
        await handle.signal(OrderWorkflow.video_ident_result, verdict(session_id, "approved"))
        assert (await handle.query(OrderWorkflow.status)).ident_outcome == IdentOutcome.DOORSTEP


async def test_video_waiting_unclaimed_at_the_deadline(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle, session_id = await open_call(h)
        await time_skipping_env.sleep(timedelta(minutes=61))

        status = await handle.query(OrderWorkflow.status)
        assert status.ident_outcome == IdentOutcome.DOORSTEP
        assert status.video_session.state == "expired"
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(
                OrderWorkflow.claim_video_session, ClaimVideoSession(session_id=session_id, agent_id="agent-7")
            )
        assert refused.value.cause.type == "session_not_waiting"


async def test_choose_doorstep(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle, session_id = await open_call(h)

        status = await handle.execute_update(OrderWorkflow.choose_doorstep, ChooseDoorstep())

        assert status.ident_outcome == IdentOutcome.DOORSTEP
        assert status.video_session.state == "withdrawn"
        doorstep = await h.fakes.sent("doorstep_fallback")
        assert [m.context["why"] for m in doorstep] == ["customer_choice"]
        assert (await wait_for_stage(handle, Stage.DISPATCHED)).delivery_mode == DeliveryMode.RECIPIENT_WITH_ID


async def test_unknown_or_repeated_video_result_is_ignored(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle, session_id = await open_call(h)
        # Before any claim, for an unknown session, and from a foreign agent: all ignored.
        await handle.signal(OrderWorkflow.video_ident_result, verdict(session_id, "approved"))
        await handle.signal(OrderWorkflow.video_ident_result, verdict("no-such-session", "approved"))
        await handle.execute_update(
            OrderWorkflow.claim_video_session, ClaimVideoSession(session_id=session_id, agent_id="agent-7")
        )
        await handle.signal(OrderWorkflow.video_ident_result, verdict(session_id, "approved", agent="agent-9"))
        assert (await handle.query(OrderWorkflow.status)).stage == Stage.VIDEO_IN_PROGRESS

        await handle.signal(OrderWorkflow.video_ident_result, verdict(session_id, "rejected"))
        await handle.signal(OrderWorkflow.video_ident_result, verdict(session_id, "approved"))  # repeated

        status = await wait_for_stage(handle, Stage.DISPATCHED)
        assert status.ident_outcome == IdentOutcome.DOORSTEP
        assert status.video_session.state == "rejected"
        assert len(await h.fakes.sent("video_ident_result")) == 1
