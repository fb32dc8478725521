"""Payloads of the workflow's updates, signals and query (public Temporal contract)."""

from datetime import datetime

from pydantic import BaseModel, Field

from orderflow.order import IdentMethod
from orderflow.stages import DeliveryMode, IdentOutcome, NextAction, Stage


class SubmitPhotos(BaseModel):
    front_ref: str = Field(min_length=1, max_length=300)
    back_ref: str = Field(min_length=1, max_length=300)
    portrait_ref: str = Field(min_length=1, max_length=300)


class PhotoSubmissionResult(BaseModel):
    verdict: str
    reasons: list[str] = []
    tries_left: int
    stage: Stage
    next_actions: list[NextAction]


class RequestVideoIdent(BaseModel):
    pass


class VideoSessionRef(BaseModel):
    session_id: str


class ClaimVideoSession(BaseModel):
    session_id: str
    agent_id: str


class ClaimResult(BaseModel):
    accepted: bool
    session_id: str
    order_id: str
    # What the agent compares the ID against.
    first_name: str
    last_name: str
    date_of_birth: str
    must_finish_by: datetime


class VideoIdentResult(BaseModel):
    session_id: str
    agent_id: str
    verdict: str = Field(pattern=r"^(approved|rejected)$")
    reason: str = ""


class ChooseDoorstep(BaseModel):
    pass


class CourierHandover(BaseModel):
    attempt: int
    code: str | None = None
    id_checked: bool | None = None


class HandoverResult(BaseModel):
    accepted: bool
    reason: str
    tries_left: int


class DeliveryFailed(BaseModel):
    attempt: int
    # A short code the customer's message explains: not_home, no_access, refused, id_check_failed, ...
    reason: str = Field(default="", max_length=32)


class CancelOrder(BaseModel):
    reason: str = ""
    # Set when an operator cancels (audited as "operator:<id>"); the shop's own cancel leaves it empty.
    operator_id: str | None = None


class CancelResult(BaseModel):
    cancelled: bool
    stage: Stage


class OperatorAction(BaseModel):
    """An authenticated operator's intervention; who and why land in the audit trail."""

    operator_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=3, max_length=500)


class OperatorActionResult(BaseModel):
    done: bool
    stage: Stage
    message: str


class StageChange(BaseModel):
    stage: Stage
    at: datetime
    note: str = ""


class VideoSessionStatus(BaseModel):
    session_id: str
    state: str  # waiting, claimed, approved, rejected, expired, withdrawn
    agent_id: str | None = None
    requested_at: datetime
    claimed_at: datetime | None = None


class OrderStatus(BaseModel):
    order_id: str
    customer_no: str
    stage: Stage
    stage_entered_at: datetime
    ident_method: IdentMethod
    ident_outcome: IdentOutcome
    ident_deadline: datetime | None
    photo_tries_left: int
    video_session: VideoSessionStatus | None
    delivery_mode: DeliveryMode | None
    high_value: bool
    attempt: int
    max_attempts: int
    code_required: bool
    code_valid_until: datetime | None
    attempt_locked: bool
    next_delivery_day: datetime | None
    next_actions: list[NextAction]
    cancel_reason: str | None
    timeline: list[StageChange]
