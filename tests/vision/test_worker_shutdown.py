"""Stopping the vision worker (a deploy, a scale-down) lets the photo check under way finish first."""

import asyncio
import uuid

from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from orderflow.blobs import BlobStore
from orderflow.contract.photo_ident import PhotoIdentInput, PhotoVerdict
from orderflow.settings import Settings
from tests.vision.conftest import DELIVERY_DAY, ERIKA_ORDER, Uploads, store_uploads
from tests.vision.probe_workflow import PhotoIdentProbe
from workers.vision import build_vision_worker


async def check_under_way(handle: WorkflowHandle) -> None:
    """Returns once the photo check is running on a worker."""
    for _ in range(300):
        pending = (await handle.describe()).raw_description.pending_activities
        if pending and pending[0].state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the photo check never started")


async def test_a_running_check_finishes_when_the_worker_stops(
    dev_server_env: WorkflowEnvironment, settings: Settings, uploads: Uploads
) -> None:
    client = dev_server_env.client
    suffix = uuid.uuid4().hex
    # The vision worker serves `vision-<suffix>`, beside this test's own `orders-<suffix>`.
    worker_settings = settings.model_copy(update={"task_queue": f"orders-{suffix}"})
    order_id = f"S-{suffix[:8]}"
    refs = store_uploads(
        BlobStore(worker_settings.blob_path), order_id, [uploads.front, uploads.back, uploads.portrait()]
    )
    request = PhotoIdentInput(order_id=order_id, image_refs=refs, expected=ERIKA_ORDER, valid_on=DELIVERY_DAY)
    vision = build_vision_worker(client, worker_settings)
    probe_queue = f"probe-{suffix}"

    async with Worker(client, task_queue=probe_queue, workflows=[PhotoIdentProbe]):
        serving = asyncio.create_task(vision.run())
        handle = await client.start_workflow(
            PhotoIdentProbe.run, args=[request, vision.task_queue], id=f"probe-{suffix}", task_queue=probe_queue
        )
        await check_under_way(handle)

        await vision.shutdown()  # as on SIGTERM (workers/common.py)
        await serving
        # No vision worker is left: only the attempt that was running can have answered.
        result = await asyncio.wait_for(handle.result(), timeout=30)

    assert result.verdict is PhotoVerdict.PASSED
    pending = (await handle.describe()).raw_description.pending_activities
    assert not pending
