"""Online identification by photos: pass, retry, give up."""

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import DeliveryMode, IdentOutcome, NextAction, Stage
from tests.workflows.harness import make_order, photos_for, running_order_worker
from workflows.order import OrderWorkflow


async def test_photo_pass_at_first_try(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        h.fakes.verdicts = [PhotoVerdict.PASSED]
        order = make_order(unit_price="99.00")
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)

        photos = photos_for(order)
        result = await handle.execute_update(OrderWorkflow.submit_photos, photos)

        assert result.verdict == "passed"
        assert result.stage == Stage.IDENTIFIED
        assert h.fakes.photo_requests[0].image_refs == [photos.front_ref, photos.back_ref, photos.portrait_ref]
        assert h.fakes.photo_requests[0].expected.last_name == "Mustermann"
        status = await handle.query(OrderWorkflow.status)
        assert status.ident_outcome == IdentOutcome.PHOTO_PASSED
        assert status.delivery_mode == DeliveryMode.ANYONE_AT_ADDRESS
        assert status.stage in (Stage.DISPATCHED, Stage.AWAITING_DISPATCH)


async def test_fail_then_pass(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        h.fakes.verdicts = [PhotoVerdict.FAILED, PhotoVerdict.PASSED]
        order = make_order(unit_price="99.00")  # below the threshold: no camera check needed
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)

        first = await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))
        assert first.verdict == "failed"
        assert first.stage == Stage.AWAITING_IDENT
        assert first.tries_left == 2
        assert first.next_actions == [NextAction.RETAKE_PHOTOS, NextAction.VIDEO_CALL, NextAction.DOORSTEP]

        second = await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))
        assert second.verdict == "passed"
        assert (await handle.query(OrderWorkflow.status)).ident_outcome == IdentOutcome.PHOTO_PASSED
        failed = await h.fakes.sent("photo_ident_failed")
        assert len(failed) == 1
        assert failed[0].context["reasons"] == ["BACK_GLARE"]
        assert failed[0].context["tries_left"] == 2


async def test_three_fails_then_doorstep(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        h.fakes.verdicts = [PhotoVerdict.FAILED] * 3
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)

        for _ in range(2):
            assert (
                await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))
            ).stage == Stage.AWAITING_IDENT
        last = await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))

        assert last.stage == Stage.DOORSTEP_FALLBACK
        assert last.tries_left == 0
        status = await handle.query(OrderWorkflow.status)
        assert status.ident_outcome == IdentOutcome.DOORSTEP
        assert status.delivery_mode == DeliveryMode.RECIPIENT_WITH_ID
        doorstep = await h.fakes.sent("doorstep_fallback")
        assert [m.context["why"] for m in doorstep] == ["tries_used"]
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))
        assert refused.value.cause.type == "wrong_stage"


async def test_nothing_within_60_minutes(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        handle = await h.start(make_order())
        await time_skipping_env.sleep(timedelta(minutes=50))
        assert (await handle.query(OrderWorkflow.status)).stage == Stage.AWAITING_IDENT
        await h.fakes.sent("ident_reminder")

        await time_skipping_env.sleep(timedelta(minutes=11))

        status = await handle.query(OrderWorkflow.status)
        assert status.ident_outcome == IdentOutcome.DOORSTEP
        assert Stage.DOORSTEP_FALLBACK in [change.stage for change in status.timeline]
        assert [m.context["why"] for m in await h.fakes.sent("doorstep_fallback")] == ["deadline"]
        assert h.fakes.photo_requests == []


async def test_photos_of_another_order_are_refused(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
        someone_else = photos_for(make_order())

        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(OrderWorkflow.submit_photos, someone_else)

        assert refused.value.cause.type == "foreign_photos"
        assert h.fakes.photo_requests == []
        assert (await handle.query(OrderWorkflow.status)).photo_tries_left == 3
