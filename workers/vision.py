"""Worker for the `vision` task queue: photo-ident with OpenCV, OCR and deepface.

The models load once, before the worker polls, and stay warm for every activity that follows.
This worker registers no workflows and imports nothing from `workflows/`, so cv2 and friends never
meet the workflow sandbox.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from activities.vision.activity import VisionActivities
from activities.vision.decoding import ImageLimits
from activities.vision.head_pose import load_landmark_model
from activities.vision.liveness import LivenessModels
from activities.vision.liveness_activity import LivenessActivities
from activities.vision.models import load_models
from orderflow.blobs import BlobStore
from orderflow.contract import task_queues
from orderflow.settings import Settings
from workers.common import main

# On SIGTERM a running photo check finishes before the worker exits: as long as one check may take
# (PHOTO_IDENT's start-to-close timeout in workflows/activity_options.py, which this module must not import).
GRACEFUL_SHUTDOWN = timedelta(seconds=60)


def build_vision_worker(client: Client, settings: Settings) -> Worker:
    models = load_models(settings.deepface_home)
    limits = ImageLimits(
        max_bytes=settings.vision_max_image_bytes,
        max_pixels=settings.vision_max_image_pixels,
        min_side=settings.vision_min_image_side,
    )
    activities = VisionActivities(models, BlobStore(settings.blob_path), limits)
    liveness = LivenessActivities(LivenessModels(models, load_landmark_model()), BlobStore(settings.blob_path))
    return Worker(
        client,
        # `vision`, or `vision-<suffix>` beside an `orders-<suffix>` deployment.
        task_queue=task_queues.sibling(settings.task_queue, task_queues.VISION),
        activities=[activities.photo_ident, liveness.liveness_check],
        # CPU-bound: more photo-idents at once than cores only makes each one slower.
        activity_executor=ThreadPoolExecutor(max_workers=settings.vision_concurrency),
        max_concurrent_activities=settings.vision_concurrency,
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


if __name__ == "__main__":
    main([build_vision_worker])
