"""The workflow issues liveness challenges and takes each answer once, while it is fresh."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError

from orderflow.contract.liveness import (
    CHALLENGE_VALID_FOR,
    ChallengeStep,
    LivenessChallenge,
    StartLiveness,
    SubmitLiveness,
)
from orderflow.contract.order import OrderInput
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from tests.workflows.harness import make_order, photos_for, sleep_until, wait_for_stage
from tests.workflows.liveness_harness import ScriptedLiveness, liveness_order_worker
from workflows.order import OrderWorkflow


@asynccontextmanager
async def order_worker(client: Client, settings) -> AsyncIterator[tuple[str, ScriptedLiveness]]:
    liveness = ScriptedLiveness()
    async with liveness_order_worker(client, settings, liveness.liveness_check) as rig:
        yield rig.task_queue, liveness


async def start(client: Client, queue: str, order: OrderInput) -> WorkflowHandle:
    handle = await client.start_workflow(OrderWorkflow.run, order, id=f"order-{order.order_id}", task_queue=queue)
    await wait_for_stage(handle, Stage.AWAITING_IDENT)
    return handle


def answer(order: OrderInput, challenge: LivenessChallenge) -> SubmitLiveness:
    refs = [f"{order.order_id}/{i:032x}.jpg" for i in range(8)]
    return SubmitLiveness(
        challenge_id=challenge.challenge_id, frame_refs=refs, timestamps_ms=[i * 400.0 for i in range(8)]
    )


async def refused(handle: WorkflowHandle, submission: SubmitLiveness) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle.execute_update(OrderWorkflow.submit_liveness, submission)
    return str(failed.value.cause.type)  # type: ignore[union-attr]


async def test_a_fresh_challenge_is_checked_once_and_a_replayed_one_is_refused(time_skipping_env, engine, settings):
    async with order_worker(time_skipping_env.client, settings) as (queue, liveness):
        liveness.verdicts = [False, True]
        order = make_order()
        handle = await start(time_skipping_env.client, queue, order)

        first = await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())
        assert len(first.steps) == 2 and len(set(first.steps)) == 2
        assert set(first.steps) <= set(ChallengeStep)
        assert first.expires_at - first.issued_at == CHALLENGE_VALID_FOR
        result = await handle.execute_update(OrderWorkflow.submit_liveness, answer(order, first))
        assert not result.passed and result.reasons == ["LIVENESS_CHALLENGE_NOT_FOLLOWED"]
        assert liveness.requests[0].steps == first.steps
        assert liveness.requests[0].challenge_id == first.challenge_id

        # The same recording sent again: that challenge was answered and is dead.
        assert await refused(handle, answer(order, first)) == "unknown_challenge"

        second = await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())
        assert second.challenge_id != first.challenge_id
        third = await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())
        # Asking again replaces the challenge: an earlier, unanswered one cannot be replayed either.
        assert await refused(handle, answer(order, second)) == "unknown_challenge"
        passed = await handle.execute_update(OrderWorkflow.submit_liveness, answer(order, third))
        assert passed.passed and passed.stage == Stage.AWAITING_IDENT
        assert len(liveness.requests) == 2


async def test_an_expired_challenge_is_refused(time_skipping_env, engine, settings):
    async with order_worker(time_skipping_env.client, settings) as (queue, liveness):
        order = make_order()
        handle = await start(time_skipping_env.client, queue, order)
        challenge = await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())

        await sleep_until(time_skipping_env, challenge.expires_at)

        assert await refused(handle, answer(order, challenge)) == "challenge_expired"
        assert liveness.requests == []


async def test_frames_of_another_order_are_refused(time_skipping_env, engine, settings):
    async with order_worker(time_skipping_env.client, settings) as (queue, liveness):
        order = make_order()
        handle = await start(time_skipping_env.client, queue, order)
        challenge = await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())
        foreign = answer(make_order(), challenge)

        assert await refused(handle, foreign) == "foreign_frames"
        assert liveness.requests == []


async def test_no_challenge_outside_online_ident(time_skipping_env, engine, settings):
    async with order_worker(time_skipping_env.client, settings) as (queue, _):
        from orderflow.contract.order import IdentMethod

        order = make_order(ident_method=IdentMethod.DOORSTEP)
        handle = await time_skipping_env.client.start_workflow(
            OrderWorkflow.run, order, id=f"order-{order.order_id}", task_queue=queue
        )
        # Past `received` (the time-skipping server may move it on quickly): anywhere but awaiting_ident.
        for _ in range(200):
            if (await handle.query(OrderWorkflow.status)).stage != Stage.RECEIVED:
                break
            await asyncio.sleep(0.02)
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())
        assert failed.value.cause.type == "wrong_stage"  # type: ignore[union-attr]


async def test_challenges_per_order_are_bounded(time_skipping_env, engine, settings):
    from workflows.ident.liveness import MAX_CHALLENGES

    async with order_worker(time_skipping_env.client, settings) as (queue, _):
        handle = await start(time_skipping_env.client, queue, make_order())
        for _ in range(MAX_CHALLENGES):
            await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())
        assert failed.value.cause.type == "no_challenges_left"  # type: ignore[union-attr]


async def test_high_value_photos_without_a_camera_check_go_to_a_human(time_skipping_env, engine, settings):
    liveness = ScriptedLiveness()
    async with liveness_order_worker(time_skipping_env.client, settings, liveness.liveness_check) as rig:
        rig.fakes.verdicts = [PhotoVerdict.PASSED]
        order = make_order(unit_price="899.00")
        handle = await start(time_skipping_env.client, rig.task_queue, order)

        result = await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))

        assert result.verdict == "needs_review" and "LIVENESS_MISSING" in result.reasons
        assert result.stage == Stage.AWAITING_VIDEO_AGENT


async def test_a_passed_camera_check_is_the_portrait_the_id_is_compared_with(time_skipping_env, engine, settings):
    liveness = ScriptedLiveness(verdicts=[True])
    async with liveness_order_worker(time_skipping_env.client, settings, liveness.liveness_check) as rig:
        rig.fakes.verdicts = [PhotoVerdict.PASSED]
        order = make_order(unit_price="899.00")
        handle = await start(time_skipping_env.client, rig.task_queue, order)
        challenge = await handle.execute_update(OrderWorkflow.start_liveness, StartLiveness())
        live = answer(order, challenge)
        await handle.execute_update(OrderWorkflow.submit_liveness, live)

        result = await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))

        assert result.verdict == "passed" and result.stage == Stage.IDENTIFIED
        [check] = rig.fakes.photo_requests
        assert check.image_refs[2] == live.frame_refs[0]  # not the uploaded portrait
