"""What an operator may do while identification is open: send the link again, or end it at the door."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.commands import OperatorAction, OperatorActionResult
    from orderflow.contract.message_context import IdentReminder
    from orderflow.contract.messages import Event
    from orderflow.contract.outcomes import VideoSessionState
    from orderflow.contract.stages import Stage
    from workflows.ident.decisions import IdentDecisions
    from workflows.ident.video import VideoSessions
    from workflows.order_core import OrderCore
    from workflows.refusals import refuse


class IdentOperatorActions:
    def __init__(self, core: OrderCore, decisions: IdentDecisions, video: VideoSessions) -> None:
        self.core = core
        self.decisions = decisions
        self.video = video

    async def resend_ident_link(self, action: OperatorAction) -> OperatorActionResult:
        core, ident = self.core, self.core.ident
        ident.links_resent += 1
        core.record_operator_action(action, "sent the ident link again")
        core.notify(Event.IDENT_REMINDER, IdentReminder(ident_deadline=ident.deadline), n=ident.links_resent)
        return OperatorActionResult(done=True, stage=core.stage, message="the ident link is on its way again")

    def validate_resend_ident_link(self, action: OperatorAction) -> None:
        self.core.require_stage(
            {Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT}, "the ident link helps only while identification is open"
        )
        if self.decisions.past_deadline():
            refuse("ident_deadline_passed", "the ident deadline has passed; the courier checks the ID")

    async def force_doorstep(self, action: OperatorAction) -> OperatorActionResult:
        if self.video.is_in(VideoSessionState.WAITING, VideoSessionState.CLAIMED):
            self.video.set_state(VideoSessionState.WITHDRAWN)
        self.core.record_operator_action(action, "forced the doorstep ID check")
        self.decisions.decide_doorstep(why="operator")
        return OperatorActionResult(
            done=True, stage=self.core.stage, message="the courier will check the ID at the door"
        )

    def validate_force_doorstep(self, action: OperatorAction) -> None:
        self.core.require_stage(
            {Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT, Stage.VIDEO_IN_PROGRESS},
            "the doorstep check can be forced while identification is open",
        )
