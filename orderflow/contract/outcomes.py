"""Closed sets of codes that decide or explain an order's course (workflow state, API fields, e-mail wording).

Free text from couriers and agents never decides anything and never reaches a customer: it travels as an internal
note beside one of these codes.
"""

from enum import StrEnum

# Longest free-text note an agent, courier or operator may attach; the store's note columns hold it with a prefix.
NOTE_MAX_LENGTH = 500


class AttemptOutcome(StrEnum):
    """How a delivery attempt ended. Owned by the workflow: no report from outside can set one directly."""

    DELIVERED = "delivered"  # only through a checked handover
    FAILED = "failed"  # the courier reported a failure reason
    CODE_LOCKED = "code_locked"  # too many wrong codes
    END_OF_DAY = "end_of_day"  # the delivery day ended without a handover
    NOT_COUNTED = "not_counted"  # the day was lost to our downtime: the same attempt goes out again


class FailureReason(StrEnum):
    """Why the courier could not hand the parcel over; the customer's e-mail explains each one."""

    NOT_HOME = "not_home"
    NO_ACCESS = "no_access"
    REFUSED = "refused"
    ID_CHECK_FAILED = "id_check_failed"
    DAMAGED = "damaged"
    OTHER = "other"


class VideoRejectReason(StrEnum):
    """Why a video-ident agent rejected; the customer's e-mail explains each one in fixed wording."""

    DOCUMENT_NOT_GENUINE = "document_not_genuine"
    DOCUMENT_EXPIRED = "document_expired"
    DOCUMENT_UNREADABLE = "document_unreadable"
    FACE_MISMATCH = "face_mismatch"
    DATA_MISMATCH = "data_mismatch"
    NO_CONSENT = "no_consent"
    CALL_FAILED = "call_failed"
    OTHER = "other"


class VideoSessionState(StrEnum):
    """Where a video-ident call stands. Owned by the workflow; the store keeps the latest one it heard of."""

    WAITING = "waiting"  # booked, no agent has claimed it
    CLAIMED = "claimed"  # an agent runs the call
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"  # the deadline passed while waiting, or the call ran past its time limit
    WITHDRAWN = "withdrawn"  # the customer or an operator chose the doorstep check instead


# The verdict (or the end) of a call: nothing changes a session in one of these states any more.
VIDEO_SESSION_DECIDED = frozenset(
    {VideoSessionState.APPROVED, VideoSessionState.REJECTED, VideoSessionState.EXPIRED, VideoSessionState.WITHDRAWN}
)

# A handover the workflow refused because the code did not match (HandoverResult.reason, beside the outcomes).
WRONG_CODE = "wrong_code"
