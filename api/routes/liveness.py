"""Customer, through the signed ident link: the camera check (challenge, then frames) before the ID photos."""

from fastapi import APIRouter, Request

from api.deps import BlobsDep, IdentOrderDep, LinkTokenPath, TemporalDep
from api.errors import ApiError, conflict, responses
from api.liveness_uploads import read_liveness_upload, store_frames
from api.uploads import discard_refs
from api.workflow_calls import open_order_status, run_update
from orderflow.contract.liveness import (
    MAX_FRAME_BYTES,
    MAX_FRAMES,
    MAX_TIMESTAMP_MS,
    MIN_FRAMES,
    LivenessChallenge,
    LivenessSubmissionResult,
    SubmitLiveness,
)
from orderflow.contract.stages import Stage

router = APIRouter()

_FRAMES_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["challenge_id", "timestamps", "frame"],
                    "properties": {
                        "challenge_id": {"type": "string"},
                        "timestamps": {"type": "string", "description": "capture times in ms, comma-separated"},
                        "frame": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "minItems": MIN_FRAMES,
                            "maxItems": MAX_FRAMES,
                            "description": f"JPEG or PNG, at most {MAX_FRAME_BYTES // 1000} kB each",
                        },
                    },
                }
            }
        },
    }
}


async def _awaiting_ident(temporal: TemporalDep, order_id: str) -> None:
    status = await open_order_status(temporal, order_id)
    if status.stage != Stage.AWAITING_IDENT:
        raise conflict(
            "wrong_stage",
            f"the camera check runs while the order waits for identification (order is {status.stage.value})",
        )


@router.post(
    "/{token}/liveness/challenge", response_model=LivenessChallenge, responses=responses(403, 404, 409, 410, 422)
)
async def start_liveness(token: LinkTokenPath, order_id: IdentOrderDep, temporal: TemporalDep) -> LivenessChallenge:
    """A fresh challenge: the head movements to make, in order, while the page films."""
    await _awaiting_ident(temporal, order_id)
    return await run_update(temporal, order_id, lambda orders: orders.start_liveness(order_id))


@router.post(
    "/{token}/liveness",
    response_model=LivenessSubmissionResult,
    responses=responses(403, 404, 409, 410, 413, 415, 422),
    openapi_extra=_FRAMES_BODY,
)
async def submit_liveness(
    request: Request, token: LinkTokenPath, order_id: IdentOrderDep, temporal: TemporalDep, blobs: BlobsDep
) -> LivenessSubmissionResult:
    """The frames filmed while following the challenge; answers whether the check passed."""
    await _awaiting_ident(temporal, order_id)
    upload = await read_liveness_upload(request)
    if len(upload.challenge_id) > 64:
        raise ApiError(422, "challenge_unknown", "challenge_id is not one this page was given")
    if not all(0 <= ms <= MAX_TIMESTAMP_MS for ms in upload.timestamps_ms):
        raise ApiError(422, "timestamps_invalid", "timestamps are milliseconds since the first frame, at most an hour")
    refs = store_frames(blobs, order_id, upload)
    submission = SubmitLiveness(challenge_id=upload.challenge_id, frame_refs=refs, timestamps_ms=upload.timestamps_ms)
    try:
        return await run_update(temporal, order_id, lambda orders: orders.submit_liveness(order_id, submission))
    except ApiError:
        # Refused by the validator (an old challenge, say): the workflow never saw these frames.
        discard_refs(blobs, {str(index): ref for index, ref in enumerate(refs)})
        raise
