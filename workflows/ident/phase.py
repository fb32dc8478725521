"""Online identification as one phase of the order: the deadline loop that waits for the customer, the agent
or the clock, and the customer's choice of the doorstep check. The ideas it is made of have their own files:
photo checks, video calls, the camera check and operator actions; decisions.py says how it ends."""

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.commands import ChooseDoorstep, OrderStatus
    from orderflow.contract.message_context import IdentReminder
    from orderflow.contract.messages import Event
    from orderflow.contract.outcomes import VideoSessionState
    from orderflow.contract.stages import Stage
    from workflows.ident.decisions import IdentDecisions
    from workflows.ident.liveness import LivenessChecks
    from workflows.ident.operator_actions import IdentOperatorActions
    from workflows.ident.photos import PhotoChecks
    from workflows.ident.video import VideoSessions
    from workflows.order_core import OrderCore
    from workflows.order_status import order_status


class IdentPhase:
    def __init__(self, core: OrderCore) -> None:
        self.core = core
        self.decisions = IdentDecisions(core)
        self.video = VideoSessions(core, self.decisions)
        self.photos = PhotoChecks(core, self.decisions, self.video)
        self.liveness = LivenessChecks(core)
        self.operator = IdentOperatorActions(core, self.decisions, self.video)

    async def identify_online(self) -> None:
        core, ident, video = self.core, self.core.ident, self.video
        assert ident.deadline is not None
        core.enter(Stage.AWAITING_IDENT)
        reminder_at: datetime | None = ident.deadline - core.policy.ident_reminder_before
        while self.decisions.ident_open():
            now = await core.decision_clock()
            if not self.decisions.ident_open():  # decided while the clock was read
                break
            if reminder_at is not None and now >= reminder_at:
                reminder_at = None
                if ident.photo_submissions == 0 and core.stage == Stage.AWAITING_IDENT:
                    core.notify(Event.IDENT_REMINDER, IdentReminder(ident_deadline=ident.deadline))
            if video.is_in(VideoSessionState.CLAIMED) and now >= video.must_finish_by():
                video.set_state(VideoSessionState.EXPIRED)
                assert ident.video is not None
                core.record_decision(f"video session {ident.video.session_id} ended without a verdict")
                self.decisions.after_try_failed(why="video_expired", now=now)
            if now >= ident.deadline and core.stage in (Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT):
                # A running photo check or a call an agent already claimed may still finish.
                if video.is_in(VideoSessionState.WAITING):
                    video.set_state(VideoSessionState.EXPIRED)
                self.decisions.decide_doorstep(why="deadline")
                continue

            wake_ups = [t for t in (reminder_at, ident.deadline) if t is not None and t > now]
            if video.is_in(VideoSessionState.CLAIMED):
                wake_ups.append(video.must_finish_by())
            seen = core.changes
            await core.wait_until(
                lambda seen=seen: core.changes != seen or core.cancel_reason is not None, min(wake_ups, default=None)
            )

    async def choose_doorstep(self, choice: ChooseDoorstep) -> OrderStatus:
        if self.video.is_in(VideoSessionState.WAITING):
            self.video.set_state(VideoSessionState.WITHDRAWN)
        self.decisions.decide_doorstep(why="customer_choice")
        return order_status(self.core)

    def validate_choose_doorstep(self, choice: ChooseDoorstep) -> None:
        self.core.require_stage(
            {Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT},
            "the doorstep check can be chosen while identification is open",
        )
