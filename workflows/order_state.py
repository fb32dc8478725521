"""Plain state the order workflow keeps between events (not part of the public contract): each phase's own."""

from dataclasses import dataclass
from datetime import datetime

from orderflow.contract.delivery_calendar import DeliveryDay
from orderflow.contract.liveness import LivenessChallenge
from orderflow.contract.outcomes import AttemptOutcome, FailureReason, VideoSessionState
from orderflow.contract.stages import DeliveryMode, IdentOutcome


@dataclass
class VideoSession:
    session_id: str
    requested_at: datetime
    state: VideoSessionState = VideoSessionState.WAITING
    agent_id: str | None = None
    claimed_at: datetime | None = None


@dataclass
class IdentState:
    """Online identification: its outcome and deadline, the photo tries, the video call, the camera check."""

    outcome: IdentOutcome = IdentOutcome.PENDING
    deadline: datetime | None = None
    photo_tries_used: int = 0  # given back when the check itself broke
    photo_submissions: int = 0  # every submission: store records and message keys
    video_sessions_opened: int = 0
    video: VideoSession | None = None
    outage_told: bool = False  # the customer heard once that the photo check is down
    links_resent: int = 0
    # The frame of a passed liveness check: the photo check compares the ID with it instead of an upload.
    live_portrait_ref: str | None = None
    liveness_challenge: LivenessChallenge | None = None  # the one that may still be answered
    liveness_challenges_issued: int = 0
    liveness_checking: bool = False


@dataclass
class DeliveryAttempt:
    number: int
    day: DeliveryDay
    code_required: bool
    wrong_codes: int = 0
    # Code entries being checked right now: each reserved a try before its check started.
    checks_in_flight: int = 0
    # Codes issued for this attempt: an operator's re-open issues a fresh one.
    codes_issued: int = 0
    outcome: AttemptOutcome | None = None  # None while under way
    failure_reason: FailureReason | None = None  # with outcome FAILED: the courier's reason code
    courier_note: str = ""  # internal: the audit trail keeps it, no customer sees it
    courier_turned_away: bool = False  # a handover could not reach the workflow (our outage)
    handover_cut_off: bool = False  # a handover still being checked when the day ended (we were too slow)

    def code_tries_left(self, tries: int) -> int:
        return max(0, tries - self.wrong_codes - self.checks_in_flight)


@dataclass
class DeliveryState:
    """Dispatch and delivery: how the parcel may be handed over, the attempt under way, the next day."""

    mode: DeliveryMode | None = None
    attempt: DeliveryAttempt | None = None
    next_day_starts_at: datetime | None = None
    reopen_requested: bool = False
    failed_attempt_reports: int = 0
    rescheduled_days: int = 0  # delivery days lost to our downtime (message keys)
    store_revision: int = 0

    def attempt_under_way(self) -> int | None:
        """The number of the attempt whose outcome is still open, if any (the courier's reports name it)."""
        attempt = self.attempt
        return attempt.number if attempt is not None and attempt.outcome is None else None
