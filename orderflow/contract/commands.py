"""Payloads of the workflow's updates, signals and query (public Temporal contract)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from orderflow.contract.order import IdentMethod
from orderflow.contract.outcomes import NOTE_MAX_LENGTH, FailureReason, VideoRejectReason, VideoSessionState
from orderflow.contract.stages import DeliveryMode, IdentOutcome, NextAction, Stage

# Field types shared by the workflow's payloads and the API's request models, so both hold the same limits.
Note = Annotated[str, Field(max_length=NOTE_MAX_LENGTH, description="internal note: audit trail only, never e-mailed")]
ActorId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
SessionId = Annotated[str, Field(min_length=1, max_length=64)]
AttemptNumber = Annotated[int, Field(ge=1, le=100)]


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
    session_id: SessionId
    agent_id: ActorId


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
    session_id: SessionId
    agent_id: ActorId
    verdict: Literal["approved", "rejected"]
    # Why a rejection: the customer's e-mail explains the code in fixed wording.
    reason_code: VideoRejectReason | None = None
    reason: Note = ""

    @model_validator(mode="after")
    def _rejection_has_a_code(self) -> "VideoIdentResult":
        # Verdicts sent before codes existed carried only free text; running orders still replay them.
        if self.verdict == "rejected" and self.reason_code is None:
            self.reason_code = VideoRejectReason.OTHER
        return self


class ChooseDoorstep(BaseModel):
    pass


class CourierHandover(BaseModel):
    attempt: AttemptNumber
    code: str | None = None
    id_checked: bool | None = None


class HandoverResult(BaseModel):
    accepted: bool
    reason: str  # delivered, wrong_code, code_locked, or the attempt's outcome when another entry decided first
    tries_left: int


class DeliveryFailed(BaseModel):
    """A failed attempt as the courier reports it: a closed reason code, never an outcome."""

    attempt: AttemptNumber
    reason: FailureReason = FailureReason.OTHER
    note: Note = ""

    @model_validator(mode="before")
    @classmethod
    def _free_text_of_older_reports(cls, data: Any) -> Any:
        # Reports sent before reasons were codes carried free text ("nobody at home"); running orders replay them
        # as "other" with the text as the note. No text can become an outcome such as "delivered".
        reason = data.get("reason") if isinstance(data, dict) else None
        if isinstance(reason, str) and reason not in FailureReason.__members__.values():
            return {**data, "reason": FailureReason.OTHER, "note": data.get("note") or reason[:NOTE_MAX_LENGTH]}
        return data


class CourierTurnedAway(BaseModel):
    """Sent by the courier API when a handover could not reach the workflow (a signal needs no worker)."""

    attempt: AttemptNumber


class CancelOrder(BaseModel):
    reason: Note = ""
    # Set when an operator cancels (audited as "operator:<id>"); the shop's own cancel leaves it empty.
    operator_id: ActorId | None = None


class CancelResult(BaseModel):
    cancelled: bool
    stage: Stage


class OperatorAction(BaseModel):
    """An authenticated operator's intervention; who and why land in the audit trail."""

    operator_id: ActorId
    reason: Annotated[str, Field(min_length=3, max_length=NOTE_MAX_LENGTH)]


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
    state: VideoSessionState
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
    # The customer's language (OrderInput.customer.locale): the customer pages speak it.
    locale: str = "de"
