"""The photo-ident activity: a plain `def`, so it runs on the vision worker's thread pool."""

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.vision.decoding import ImageLimits
from activities.vision.models import VisionModels
from activities.vision.pipeline import identify
from orderflow.blobs import BlobNotFound, BlobStore
from orderflow.contract.names import PHOTO_IDENT_ACTIVITY
from orderflow.contract.photo_ident import PhotoIdentInput, PhotoIdentResult


class VisionActivities:
    def __init__(self, models: VisionModels, blobs: BlobStore, limits: ImageLimits) -> None:
        self._models = models
        self._blobs = blobs
        self._limits = limits

    @activity.defn(name=PHOTO_IDENT_ACTIVITY)
    def photo_ident(self, request: PhotoIdentInput) -> PhotoIdentResult:
        # Only this order's own uploads: another customer's ID images are never read. Retrying
        # cannot change that, so the workflow declares this error type non-retryable.
        if not all(ref.startswith(f"{request.order_id}/") for ref in request.image_refs):
            raise ApplicationError(
                "photo references must belong to the order", type="InvalidPhotoIdentRequest", non_retryable=True
            )
        return identify(request, self._load, self._models, self._limits, heartbeat=activity.heartbeat)

    def _load(self, ref: str) -> bytes | None:
        try:
            return self._blobs.read_bytes(ref)
        except BlobNotFound:
            return None
