"""The liveness activity: a plain `def` on the vision worker's thread pool, beside photo-ident."""

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.vision.decoding import ImageLimits, ImageRejected, decode
from activities.vision.liveness import LivenessModels, check
from orderflow.blobs import BlobNotFound, BlobStore
from orderflow.contract.liveness import (
    MAX_FRAME_BYTES,
    MAX_FRAME_SIDE,
    MIN_FRAME_SIDE,
    LivenessInput,
    LivenessReason,
    LivenessResult,
)
from orderflow.contract.names import LIVENESS_ACTIVITY

FRAME_LIMITS = ImageLimits(
    max_bytes=MAX_FRAME_BYTES, max_pixels=MAX_FRAME_SIDE * MAX_FRAME_SIDE, min_side=MIN_FRAME_SIDE
)


class LivenessActivities:
    def __init__(self, models: LivenessModels, blobs: BlobStore) -> None:
        self._models = models
        self._blobs = blobs

    @activity.defn(name=LIVENESS_ACTIVITY)
    def liveness_check(self, request: LivenessInput) -> LivenessResult:
        # Only this order's own uploads, as for photo-ident; retrying cannot change that.
        if not all(ref.startswith(f"{request.order_id}/") for ref in request.frame_refs):
            raise ApplicationError(
                "frame references must belong to the order", type="InvalidLivenessRequest", non_retryable=True
            )
        frames = []
        for ref in request.frame_refs:
            try:
                frames.append(decode(self._blobs.read_bytes(ref), FRAME_LIMITS))
            except (BlobNotFound, ImageRejected):
                return LivenessResult(passed=False, reasons=[LivenessReason.FRAME_UNREADABLE.value])
        result, frontal = check(
            frames, request.timestamps_ms, request.steps, self._models, heartbeat=activity.heartbeat
        )
        if frontal is not None:
            result.portrait_ref = request.frame_refs[frontal]
        return result
