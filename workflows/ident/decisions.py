"""How online identification ends: identified, or the courier checks the ID at the door; or another try."""

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.message_context import DoorstepFallback, EventContext
    from orderflow.contract.message_context import VideoIdentResult as VideoIdentResultContext
    from orderflow.contract.messages import Event
    from orderflow.contract.stages import IdentOutcome, Stage
    from workflows.order_core import OrderCore


class IdentDecisions:
    def __init__(self, core: OrderCore) -> None:
        self.core = core

    def ident_open(self) -> bool:
        return self.core.ident.outcome == IdentOutcome.PENDING and self.core.cancel_reason is None

    def past_deadline(self, now: datetime | None = None) -> bool:
        """Validators ask with the workflow's clock; decisions pass the recorded one (`decision_clock`)."""
        deadline = self.core.ident.deadline
        return deadline is not None and (now or workflow.now()) >= deadline

    def after_try_failed(
        self, why: str, now: datetime, event: Event | None = None, context: EventContext | None = None
    ) -> None:
        """After a failed photo check or an expired call: try again if time and tries allow."""
        if self.past_deadline(now) or (why == "tries_used"):
            self.decide_doorstep(why="deadline" if self.past_deadline(now) else why)
        else:
            self.core.enter(
                Stage.AWAITING_IDENT, event=event, context=context, note=why, n=self.core.ident.photo_submissions
            )

    def decide_identified(self, outcome: IdentOutcome, event: Event, context: EventContext | None = None) -> None:
        self.core.ident.outcome = outcome
        self.core.count("orderflow_ident_outcomes", "Final outcomes of online identification", outcome=outcome.value)
        self.core.delete_id_images(outcome.value)
        self.core.enter(Stage.IDENTIFIED, event=event, context=context, note=outcome.value)

    def decide_doorstep(
        self, why: str, event: Event = Event.DOORSTEP_FALLBACK, context: VideoIdentResultContext | None = None
    ) -> None:
        self.core.ident.outcome = IdentOutcome.DOORSTEP
        self.core.count(
            "orderflow_ident_outcomes", "Final outcomes of online identification", outcome=f"doorstep:{why}"
        )
        self.core.delete_id_images(f"doorstep: {why}")
        # The e-mail says why, whichever event tells the customer (a rejected call's verdict says it too).
        said = DoorstepFallback(why=why) if context is None else context.model_copy(update={"why": why})
        self.core.enter(Stage.DOORSTEP_FALLBACK, event=event, context=said, note=why)
