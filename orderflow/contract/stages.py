"""Names of the lifecycle's stages and outcomes (search attribute values, API fields)."""

from enum import StrEnum


class Stage(StrEnum):
    RECEIVED = "received"
    AWAITING_IDENT = "awaiting_ident"
    PHOTO_CHECK = "photo_check"
    AWAITING_VIDEO_AGENT = "awaiting_video_agent"
    VIDEO_IN_PROGRESS = "video_in_progress"
    IDENTIFIED = "identified"
    DOORSTEP_FALLBACK = "doorstep_fallback"
    AWAITING_DISPATCH = "awaiting_dispatch"
    DISPATCHED = "dispatched"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"


# Stages in which the parcel has not left the warehouse: the order may still be cancelled.
BEFORE_DISPATCH = frozenset(
    {
        Stage.RECEIVED,
        Stage.AWAITING_IDENT,
        Stage.PHOTO_CHECK,
        Stage.AWAITING_VIDEO_AGENT,
        Stage.VIDEO_IN_PROGRESS,
        Stage.IDENTIFIED,
        Stage.DOORSTEP_FALLBACK,
        Stage.AWAITING_DISPATCH,
    }
)
FINAL = frozenset({Stage.DELIVERED, Stage.RETURNED, Stage.CANCELLED})


class IdentOutcome(StrEnum):
    PENDING = "pending"
    NOT_REQUIRED = "not_required"  # ident_method=none
    PHOTO_PASSED = "photo_passed"
    VIDEO_APPROVED = "video_approved"
    # The courier checks the ID at the door; why is in the stage timeline.
    DOORSTEP = "doorstep"


class DeliveryMode(StrEnum):
    ANYONE_AT_ADDRESS = "anyone_at_address"  # identified online, or no ident needed
    RECIPIENT_WITH_ID = "recipient_with_id"  # only the named recipient, after an ID check


class NextAction(StrEnum):
    """Self-service actions the customer is offered; there is always at least one."""

    RETAKE_PHOTOS = "retake_photos"
    VIDEO_CALL = "video_call"
    DOORSTEP = "doorstep"
    WAIT_FOR_AGENT = "wait_for_agent"
    JOIN_VIDEO_CALL = "join_video_call"
    TRACK_PARCEL = "track_parcel"
