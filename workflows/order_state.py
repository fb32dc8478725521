"""Plain state the order workflow keeps between events (not part of the public contract)."""

from dataclasses import dataclass
from datetime import datetime

from orderflow.contract.delivery_calendar import DeliveryDay
from orderflow.contract.outcomes import AttemptOutcome, FailureReason, VideoSessionState


@dataclass
class VideoSession:
    session_id: str
    requested_at: datetime
    state: VideoSessionState = VideoSessionState.WAITING
    agent_id: str | None = None
    claimed_at: datetime | None = None


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

    def code_tries_left(self, tries: int) -> int:
        return max(0, tries - self.wrong_codes - self.checks_in_flight)
