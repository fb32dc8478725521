"""Inputs of the store and delivery-code activities (task queue `orders`).

Side-effect free, so the workflow can import them; the activities themselves use the ORM.
"""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel

from orderflow.contract.photo_ident import ImageFinding


class RecordOrder(BaseModel):
    order_id: str
    customer_no: str
    ident_method: str
    total: Decimal
    currency: str
    high_value: bool
    at: datetime
    # The first run of this workflow id's chain: a reset starts a new run that keeps it, a reused order id does not.
    first_run_id: str | None = None


class RecordStageChange(BaseModel):
    order_id: str
    # Per-order sequence number: a retried write is recognised and skipped.
    seq: int
    stage: str
    note: str = ""
    actor: str = "workflow"
    kind: str = "stage"  # "stage" or "decision"
    at: datetime


class IssueCode(BaseModel):
    order_id: str
    attempt: int
    valid_until: datetime
    # 1 for the attempt's first code; an operator's re-open issues the next, and the older ones die.
    issue: int = 1


class CodeIssued(BaseModel):
    attempt: int
    valid_until: datetime


class CheckCode(BaseModel):
    order_id: str
    attempt: int
    code: str


class CodeCheck(BaseModel):
    matches: bool
    expired: bool = False


# ----- what the store keeps of ident and delivery: photo checks, video sessions, attempts, image deletions -----


class RecordPhotoCheck(BaseModel):
    """One photo submission and how it was judged; references and findings, never image bytes."""

    order_id: str
    submission: int  # 1, 2, 3 ...: with order_id the idempotency key
    verdict: str
    reasons: list[str] = []
    images: list[ImageFinding] = []
    document_type: str | None = None
    face_distance: float | None = None
    face_threshold: float | None = None
    at: datetime


class RecordVideoSession(BaseModel):
    """The latest state of a video session (upsert by session_id)."""

    order_id: str
    session_id: str
    state: str  # waiting, claimed, approved, rejected, expired, withdrawn
    agent_id: str | None = None
    requested_at: datetime
    claimed_at: datetime | None = None
    decided_at: datetime | None = None
    reason: str = ""


class RecordDeliveryAttempt(BaseModel):
    """The latest state of a delivery attempt (upsert by order_id + attempt)."""

    order_id: str
    attempt: int
    code_required: bool
    delivery_mode: str
    wrong_codes: int = 0
    outcome: str | None = None  # None while under way
    started_at: datetime
    ends_at: datetime
    ended_at: datetime | None = None
    # Rises with every write of the workflow: background writes may land out of order, and an
    # operator may re-open an ended attempt, so the newest revision wins.
    revision: int = 0


class DeleteIdImages(BaseModel):
    """The ident decision is final: the order's ID images go (the audit trail records it)."""

    order_id: str
    reason: str
