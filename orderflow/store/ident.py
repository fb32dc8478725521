"""Online ident: every photo check (findings and reason codes, never image bytes) and every
video session (who claimed it, when, the verdict)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint, update
from sqlmodel import Field, Session, SQLModel, col

from orderflow.contract.outcomes import VideoSessionState
from orderflow.contract.records import RecordPhotoCheck, RecordVideoSession
from orderflow.store.once import insert_once, upsert_if_newer
from orderflow.store.text import fit, fit_optional


class IdentAttemptBase(SQLModel):
    order_id: str = Field(index=True, max_length=64)
    submission: int  # 1, 2, 3 ... per order
    verdict: str = Field(max_length=16)
    reasons: list[str] = Field(default_factory=list, sa_type=JSON)
    # Per image: blob reference, what it showed, its reason codes. The image itself is not here.
    images: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    document_type: str | None = Field(default=None, max_length=8)
    face_distance: float | None = None
    face_threshold: float | None = None
    at: datetime


class IdentAttempt(IdentAttemptBase, table=True):
    __table_args__ = (UniqueConstraint("order_id", "submission"),)

    id: int | None = Field(default=None, primary_key=True)


class IdentAttemptPublic(IdentAttemptBase):
    pass


def record_photo_check(session: Session, request: RecordPhotoCheck) -> None:
    """Writes the submission once; a retry or replay of the same submission writes nothing."""
    row = IdentAttempt(
        order_id=request.order_id,
        submission=request.submission,
        verdict=request.verdict,
        reasons=list(request.reasons),
        images=[image.model_dump(mode="json") for image in request.images],
        document_type=request.document_type,
        face_distance=request.face_distance,
        face_threshold=request.face_threshold,
        at=request.at,
    )
    insert_once(session, row, IdentAttempt.order_id == request.order_id, IdentAttempt.submission == request.submission)


class VideoSessionBase(SQLModel):
    session_id: str = Field(primary_key=True, max_length=64)
    order_id: str = Field(index=True, max_length=64)
    state: str = Field(max_length=16)
    agent_id: str | None = Field(default=None, max_length=64)
    requested_at: datetime
    claimed_at: datetime | None = None
    decided_at: datetime | None = None
    reason: str = Field(default="", max_length=500)


class VideoSession(VideoSessionBase, table=True):
    pass


class VideoSessionPublic(VideoSessionBase):
    pass


# How far a session has come. Store writes run in the background and may land out of order:
# a late "claimed" must not undo "approved".
_PROGRESS: dict[str, int] = {VideoSessionState.WAITING: 0, VideoSessionState.CLAIMED: 1}
_DONE = 2  # approved, rejected, expired, withdrawn


def _progress(state: str) -> int:
    return _PROGRESS.get(state, _DONE)


def record_video_session(session: Session, request: RecordVideoSession) -> None:
    """Upsert by session id; only a state at least as far along replaces the stored one, decided by
    one conditional UPDATE (see `upsert_if_newer`)."""
    values = request.model_dump() | {
        "reason": fit(request.reason, VideoSession.reason),
        "agent_id": fit_optional(request.agent_id, VideoSession.agent_id),
    }
    key = col(VideoSession.session_id) == request.session_id
    newer = update(VideoSession).where(key).values(**values)
    progress = _progress(request.state)
    if progress < _DONE:
        newer = newer.where(col(VideoSession.state).in_([s for s, p in _PROGRESS.items() if p <= progress]))
    upsert_if_newer(session, VideoSession(**values), newer, key)
