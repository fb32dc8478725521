"""Video-ident agents: the waiting queue, claiming a call, sending the verdict."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Engine
from temporalio.client import Client

from api.deps import AgentDep, EngineDep, SettingsDep, TemporalDep
from api.errors import ApiError, conflict_if, not_found, responses
from api.video_sessions import WaitingSession, find_session, waiting_sessions
from api.workflow_calls import run_update, send_signal, status_after
from orderflow.contract.commands import ClaimResult, ClaimVideoSession, Note, VideoIdentResult
from orderflow.contract.guards import video_verdict_refusal
from orderflow.contract.outcomes import VideoRejectReason
from orderflow.contract.stages import IdentOutcome, Stage
from orderflow.settings import Settings

router = APIRouter(prefix="/agent/video-sessions", tags=["video agents"])

SessionIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class Verdict(BaseModel):
    # No agent id here: the verdict is always signed with the agent behind the token.
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["approved", "rejected"]
    reason_code: VideoRejectReason | None = Field(
        default=None, description="why a rejection (required for rejected); the customer's e-mail explains it"
    )
    # `reason` is the older name of the note; clients that still send it keep working.
    note: Note = Field(default="", validation_alias=AliasChoices("note", "reason"))

    @model_validator(mode="after")
    def _rejection_needs_a_code(self) -> "Verdict":
        if self.verdict == "rejected" and self.reason_code is None:
            raise ValueError("a rejection needs a reason_code")
        if self.verdict == "approved" and self.reason_code is not None:
            raise ValueError("an approval has no reason_code")
        return self


class VerdictRecorded(BaseModel):
    session_id: str
    order_id: str
    verdict: str
    reason_code: VideoRejectReason | None = None
    stage: Stage
    ident_outcome: IdentOutcome


def _unknown(session_id: str) -> ApiError:
    return not_found("unknown_session", f"there is no video session {session_id}")


async def claim_session(
    temporal: Client, settings: Settings, engine: Engine, session_id: str, agent_id: str
) -> ClaimResult:
    """Claims a waiting call for `agent_id` (JSON API and agent console alike)."""
    status = await find_session(temporal, settings, engine, session_id)
    if status is None:
        raise _unknown(session_id)
    claim = ClaimVideoSession(session_id=session_id, agent_id=agent_id)
    return await run_update(
        temporal, status.order_id, lambda orders: orders.claim_video_session(status.order_id, claim)
    )


async def record_verdict(
    temporal: Client, settings: Settings, engine: Engine, session_id: str, agent_id: str, verdict: Verdict
) -> VerdictRecorded:
    """Sends the verdict of a call `agent_id` claimed; refuses what the workflow would ignore."""
    status = await find_session(temporal, settings, engine, session_id)
    session = status.video_session if status else None
    if status is None or session is None:
        raise _unknown(session_id)
    # A signal cannot be refused by the workflow (it ignores a wrong one silently), so what it would
    # ignore is refused here, with the reason, by the rule the workflow applies.
    conflict_if(video_verdict_refusal(session, status.stage, session_id, agent_id))
    signal = VideoIdentResult(
        session_id=session_id,
        agent_id=agent_id,
        verdict=verdict.verdict,
        reason_code=verdict.reason_code,
        reason=verdict.note,
    )
    await send_signal(temporal, status.order_id, lambda orders: orders.video_ident_result(status.order_id, signal))
    after = await status_after(temporal, status.order_id, lambda s: s.stage != Stage.VIDEO_IN_PROGRESS)
    return VerdictRecorded(
        session_id=session_id,
        order_id=status.order_id,
        verdict=verdict.verdict,
        reason_code=verdict.reason_code,
        stage=after.stage,
        ident_outcome=after.ident_outcome,
    )


@router.get("", response_model=list[WaitingSession], responses=responses(401))
async def list_waiting(_: AgentDep, temporal: TemporalDep, settings: SettingsDep) -> list[WaitingSession]:
    """Customers waiting for a video call, longest waiting first."""
    return await waiting_sessions(temporal, settings)


@router.post("/{session_id}/claim", response_model=ClaimResult, responses=responses(401, 404, 409, 422))
async def claim(
    session_id: SessionIdPath, agent_id: AgentDep, temporal: TemporalDep, settings: SettingsDep, engine: EngineDep
) -> ClaimResult:
    """Take a waiting call; answers with what to compare the ID against and when the call must end."""
    return await claim_session(temporal, settings, engine, session_id, agent_id)


@router.post("/{session_id}/result", response_model=VerdictRecorded, responses=responses(401, 404, 409, 422))
async def send_result(
    session_id: SessionIdPath,
    verdict: Verdict,
    agent_id: AgentDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> VerdictRecorded:
    """Send the verdict of a call this agent claimed: approved, or rejected with a `reason_code`; `note` is internal."""
    return await record_verdict(temporal, settings, engine, session_id, agent_id, verdict)
