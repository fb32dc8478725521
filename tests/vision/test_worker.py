"""The activity inside Temporal: heartbeats, a real worker on the test server, and a clean vision worker."""

import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import Worker

from activities.vision.activity import VisionActivities
from orderflow.blobs import BlobStore
from orderflow.contract import task_queues
from orderflow.contract.photo_ident import PhotoIdentInput, PhotoVerdict
from orderflow.settings import Settings
from tests.vision.conftest import DELIVERY_DAY, ERIKA_ORDER, Uploads, store_uploads
from tests.vision.probe_workflow import PhotoIdentProbe

ROOT = Path(__file__).parents[2]


def test_activity_heartbeats_while_it_works(
    vision_activities: VisionActivities, blobs: BlobStore, uploads: Uploads
) -> None:
    refs = store_uploads(blobs, "W-1", [uploads.front, uploads.back, uploads.portrait()])
    beats: list[str] = []
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: beats.append(details[0])

    result = env.run(
        vision_activities.photo_ident,
        PhotoIdentInput(order_id="W-1", image_refs=refs, expected=ERIKA_ORDER, valid_on=DELIVERY_DAY),
    )

    assert result.verdict is PhotoVerdict.PASSED
    # A beat between the steps: a step stuck longer than PHOTO_IDENT's heartbeat timeout is noticed.
    assert beats == [
        "analysing 3 images",
        "analysed 1 of 3 images",
        "analysed 2 of 3 images",
        "analysed 3 of 3 images",
        "checking the document",
        "matching faces",
    ]


def test_missing_upload_is_a_reason_not_a_crash(
    vision_activities: VisionActivities, blobs: BlobStore, uploads: Uploads
) -> None:
    refs = store_uploads(blobs, "W-1", [uploads.front, uploads.back]) + [blobs.new_ref("W-1", "jpg")]

    result = ActivityEnvironment().run(
        vision_activities.photo_ident,
        PhotoIdentInput(order_id="W-1", image_refs=refs, expected=ERIKA_ORDER, valid_on=DELIVERY_DAY),
    )

    assert result.reasons == ["NOT_STORED", "MISSING_PORTRAIT"]


async def test_photo_ident_runs_on_a_real_worker(
    time_skipping_env: WorkflowEnvironment, vision_activities: VisionActivities, blobs: BlobStore, uploads: Uploads
) -> None:
    task_queue = f"vision-{uuid.uuid4()}"
    refs = store_uploads(blobs, "W-1", [uploads.portrait(), uploads.front, uploads.back])
    request = PhotoIdentInput(order_id="W-1", image_refs=refs, expected=ERIKA_ORDER, valid_on=DELIVERY_DAY)
    async with Worker(
        time_skipping_env.client,
        task_queue=task_queue,
        workflows=[PhotoIdentProbe],
        activities=[vision_activities.photo_ident],
        activity_executor=ThreadPoolExecutor(max_workers=1),
    ):
        result = await time_skipping_env.client.execute_workflow(
            PhotoIdentProbe.run, args=[request, task_queue], id=f"probe-{uuid.uuid4()}", task_queue=task_queue
        )

    assert result.verdict is PhotoVerdict.PASSED
    assert [image.kind.value for image in result.images] == ["portrait", "id_front", "id_back"]


async def test_vision_worker_serves_the_vision_queue(
    time_skipping_env: WorkflowEnvironment, settings: Settings
) -> None:
    from workers.vision import build_vision_worker

    async with build_vision_worker(time_skipping_env.client, settings) as worker:  # loads the models, polls, stops
        assert worker.task_queue == task_queues.VISION == "vision"


def test_vision_worker_imports_no_workflow_code() -> None:
    probe = "import sys, workers.vision; print(sorted(m for m in sys.modules if m.split('.')[0] == 'workflows'))"
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[]"
