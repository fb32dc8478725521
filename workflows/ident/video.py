"""Video calls with an agent: booked by the customer or by a photo check that needs a human, claimed by an
agent, decided by the agent's verdict; they expire with the deadline or when a call runs too long."""

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.commands import ClaimResult, ClaimVideoSession, VideoIdentResult, VideoSessionRef
    from orderflow.contract.guards import IDENT_DEADLINE_PASSED, video_verdict_refusal
    from orderflow.contract.message_context import VideoCallBooked
    from orderflow.contract.message_context import VideoIdentResult as VideoIdentResultContext
    from orderflow.contract.messages import Event
    from orderflow.contract.names import RECORD_VIDEO_SESSION
    from orderflow.contract.outcomes import VIDEO_SESSION_DECIDED, VideoSessionState
    from orderflow.contract.records import RecordVideoSession
    from orderflow.contract.stages import IdentOutcome, Stage
    from workflows.ident.decisions import IdentDecisions
    from workflows.order_core import OrderCore
    from workflows.order_state import VideoSession
    from workflows.refusals import refuse, refuse_if


class VideoSessions:
    def __init__(self, core: OrderCore, decisions: IdentDecisions) -> None:
        self.core = core
        self.decisions = decisions

    def is_in(self, *states: VideoSessionState) -> bool:
        video = self.core.ident.video
        return video is not None and video.state in states

    def must_finish_by(self) -> datetime:
        video = self.core.ident.video
        assert video is not None and video.claimed_at is not None
        return video.claimed_at + self.core.policy.video_session_max

    # ----- the customer books a call -------------------------------------------------------------

    async def request(self) -> VideoSessionRef:
        return VideoSessionRef(session_id=self.open(note="customer asked for a video call"))

    def validate_request(self) -> None:
        self.core.require_stage(
            {Stage.AWAITING_IDENT}, "a video call can be booked while the order waits for identification"
        )
        if self.decisions.past_deadline():
            refuse_if(IDENT_DEADLINE_PASSED)

    def open(self, note: str) -> str:
        ident = self.core.ident
        session_id = str(workflow.uuid4())
        ident.video = VideoSession(session_id=session_id, requested_at=workflow.now())
        ident.video_sessions_opened += 1
        self.set_state(VideoSessionState.WAITING)
        self.core.enter(
            Stage.AWAITING_VIDEO_AGENT,
            event=Event.VIDEO_CALL_BOOKED,
            context=VideoCallBooked(session_id=session_id),
            note=note,
            n=ident.video_sessions_opened,
        )
        return session_id

    def set_state(self, state: VideoSessionState, reason: str = "") -> None:
        video = self.core.ident.video
        assert video is not None
        video.state = state
        decided = state in VIDEO_SESSION_DECIDED
        self.core.store(
            RECORD_VIDEO_SESSION,
            RecordVideoSession(
                order_id=self.core.order.order_id,
                session_id=video.session_id,
                state=state,
                agent_id=video.agent_id,
                requested_at=video.requested_at,
                claimed_at=video.claimed_at,
                decided_at=workflow.now() if decided else None,
                reason=reason,
            ),
        )

    # ----- an agent claims the call and gives the verdict ---------------------------------------

    async def claim(self, claim: ClaimVideoSession) -> ClaimResult:
        video = self.core.ident.video
        assert video is not None
        video.agent_id = claim.agent_id
        video.claimed_at = workflow.now()
        self.set_state(VideoSessionState.CLAIMED)
        self.core.enter(Stage.VIDEO_IN_PROGRESS, note=f"claimed by agent {claim.agent_id}")
        customer = self.core.order.customer
        return ClaimResult(
            accepted=True,
            session_id=claim.session_id,
            order_id=self.core.order.order_id,
            first_name=customer.first_name,
            last_name=customer.last_name,
            date_of_birth=customer.date_of_birth.isoformat(),
            must_finish_by=self.must_finish_by(),
        )

    def validate_claim(self, claim: ClaimVideoSession) -> None:
        video = self.core.ident.video
        if video is None or video.session_id != claim.session_id:
            refuse("unknown_session", "this order has no such video session")
        if video.state != VideoSessionState.WAITING or self.core.stage != Stage.AWAITING_VIDEO_AGENT:
            refuse("session_not_waiting", f"the video session is {video.state}, not waiting")
        if self.decisions.past_deadline():
            refuse("ident_deadline_passed", "the customer's ident deadline passed before the call was claimed")
        if not claim.agent_id:
            refuse("agent_required", "an agent id is required")

    def verdict(self, result: VideoIdentResult) -> None:
        refusal = video_verdict_refusal(self.core.ident.video, self.core.stage, result.session_id, result.agent_id)
        if refusal is not None:
            # Signals cannot be refused; an unknown, foreign or late verdict is ignored without harm.
            workflow.logger.warning("ignored video_ident_result for session %s", result.session_id)
            return
        self.set_state(VideoSessionState(result.verdict), reason=result.reason)
        code = f" ({result.reason_code.value})" if result.reason_code else ""
        self.core.record_decision(
            f"video verdict {result.verdict}{code}: {result.reason}", actor=f"agent:{result.agent_id}"
        )
        # The agent's note stays in the audit trail: the customer's e-mail explains the code in fixed words.
        context = VideoIdentResultContext(verdict=result.verdict, reason_code=result.reason_code)
        if result.verdict == VideoSessionState.APPROVED:
            self.decisions.decide_identified(IdentOutcome.VIDEO_APPROVED, Event.VIDEO_IDENT_RESULT, context)
        else:
            self.decisions.decide_doorstep("video_rejected", event=Event.VIDEO_IDENT_RESULT, context=context)
