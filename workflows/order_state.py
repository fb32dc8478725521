"""Plain state the order workflow keeps between events (not part of the public contract)."""

from dataclasses import dataclass
from datetime import datetime

from orderflow.delivery_calendar import DeliveryDay


@dataclass
class VideoSession:
    session_id: str
    requested_at: datetime
    state: str = "waiting"  # waiting, claimed, approved, rejected, expired, withdrawn
    agent_id: str | None = None
    claimed_at: datetime | None = None


@dataclass
class DeliveryAttempt:
    number: int
    day: DeliveryDay
    code_required: bool
    wrong_codes: int = 0
    # None while under way; then "delivered", "code_locked", "end_of_day" or "failed: <reason>".
    outcome: str | None = None
