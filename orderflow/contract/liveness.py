"""Liveness by challenge and response: the payloads of the `start_liveness` and `submit_liveness` updates
and of the vision activity that checks the frames.

The workflow draws the challenge (a random order of head movements) and records it in history, so a
recording of an earlier session answers the wrong challenge id and is refused. Frames are stored
images; workflows carry their references and the page's capture times, never pixels.
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from orderflow.contract.stages import NextAction, Stage

# What one submission may hold; the API refuses more with a 4xx before anything is stored.
MIN_FRAMES = 6
MAX_FRAMES = 20
MAX_FRAME_BYTES = 500_000  # a 640 x 480 JPEG from the page is ~40-80 kB
MAX_FRAME_SIDE = 1280
MIN_FRAME_SIDE = 240
MAX_TIMESTAMP_MS = 3_600_000
CHALLENGE_VALID_FOR = timedelta(minutes=2)  # long enough to read the steps and move; too short to fetch a fake

FrameRef = Annotated[str, Field(min_length=1, max_length=300)]
ChallengeId = Annotated[str, Field(min_length=1, max_length=64)]


class ChallengeStep(StrEnum):
    """In the customer's own terms; the camera sees a turn to their left as the face turning to the image's right."""

    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    LOOK_UP = "look_up"


class StartLiveness(BaseModel):
    pass


class LivenessChallenge(BaseModel):
    challenge_id: str
    steps: list[ChallengeStep]
    issued_at: datetime
    expires_at: datetime


class SubmitLiveness(BaseModel):
    challenge_id: ChallengeId
    frame_refs: list[FrameRef] = Field(min_length=MIN_FRAMES, max_length=MAX_FRAMES)
    # Capture times in milliseconds from the page's clock, one per frame, in capture order.
    timestamps_ms: list[Annotated[float, Field(ge=0, le=MAX_TIMESTAMP_MS)]] = Field(
        min_length=MIN_FRAMES, max_length=MAX_FRAMES
    )

    @model_validator(mode="after")
    def _one_time_per_frame(self) -> "SubmitLiveness":
        if len(self.timestamps_ms) != len(self.frame_refs):
            raise ValueError("one timestamp per frame is required")
        return self


class LivenessInput(BaseModel):
    order_id: str
    challenge_id: str
    steps: list[ChallengeStep]
    frame_refs: list[str]
    timestamps_ms: list[float]


class LivenessReason(StrEnum):
    FRAME_UNREADABLE = "LIVENESS_FRAME_UNREADABLE"
    NO_FACE = "LIVENESS_NO_FACE"  # a frame without a face, or with several
    FACE_CHANGED = "LIVENESS_FACE_CHANGED"  # not the same person in every frame
    CHALLENGE_NOT_FOLLOWED = "LIVENESS_CHALLENGE_NOT_FOLLOWED"  # the head did not move as asked, in the asked order
    DUPLICATE_FRAMES = "LIVENESS_DUPLICATE_FRAMES"  # two frames (nearly) identical: a still image
    TOO_FAST = "LIVENESS_TOO_FAST"  # frames all at once: not captured live
    TOO_SLOW = "LIVENESS_TOO_SLOW"  # gaps or a span no live capture has


class LivenessResult(BaseModel):
    passed: bool
    reasons: list[str] = []
    # The frame that looks most straight at the camera: the live portrait, when the check passed.
    portrait_ref: str | None = None
    yaw: list[float | None] = []  # per frame, degrees (audit and tuning; no image data)
    pitch: list[float | None] = []
    max_face_distance: float | None = None
    face_threshold: float | None = None


class LivenessSubmissionResult(BaseModel):
    challenge_id: str
    passed: bool
    reasons: list[str] = []
    stage: Stage
    next_actions: list[NextAction] = []
