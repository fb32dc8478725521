"""Liveness by challenge and response, while the order waits for identification.

`start_liveness` draws a fresh challenge (head movements in a random order) with the workflow's
deterministic random source, so it is recorded in history and the same on replay. `submit_liveness`
answers the newest challenge once, before it expires: a recording of an earlier session carries an
earlier challenge id and is refused by the validator, leaving no trace in history.
"""

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from orderflow.contract import task_queues
    from orderflow.contract.guards import IDENT_DEADLINE_PASSED, refs_of_order
    from orderflow.contract.liveness import (
        CHALLENGE_VALID_FOR,
        ChallengeStep,
        LivenessChallenge,
        LivenessInput,
        LivenessResult,
        LivenessSubmissionResult,
        StartLiveness,
        SubmitLiveness,
    )
    from orderflow.contract.names import LIVENESS_ACTIVITY
    from orderflow.contract.stages import Stage
    from workflows import activity_options
    from workflows.order_core import OrderCore
    from workflows.order_status import next_actions
    from workflows.refusals import refuse, refuse_if

STEPS_PER_CHALLENGE = 2
MAX_CHALLENGES = 10  # per order: enough for honest retries, bounded history for a script hammering the page


class LivenessChecks:
    def __init__(self, core: OrderCore) -> None:
        self.core = core

    async def start(self, request: StartLiveness) -> LivenessChallenge:
        ident = self.core.ident
        now = workflow.now()
        steps = workflow.random().sample(list(ChallengeStep), STEPS_PER_CHALLENGE)
        challenge = LivenessChallenge(
            challenge_id=str(workflow.uuid4()), steps=steps, issued_at=now, expires_at=now + CHALLENGE_VALID_FOR
        )
        ident.liveness_challenge = challenge  # any earlier challenge is dead from now on
        ident.liveness_challenges_issued += 1
        self.core.record_decision(
            f"liveness challenge {ident.liveness_challenges_issued}: {' '.join(step.value for step in steps)}"
        )
        return challenge

    def validate_start(self, request: StartLiveness) -> None:
        self._require_open()
        if self.core.ident.liveness_checking:
            refuse("liveness_running", "a liveness check is running; wait for its answer")
        if self.core.ident.liveness_challenges_issued >= MAX_CHALLENGES:
            refuse("no_challenges_left", "no more camera checks for this order; photos or a video call remain")

    async def submit(self, submission: SubmitLiveness) -> LivenessSubmissionResult:
        ident = self.core.ident
        challenge = ident.liveness_challenge
        assert challenge is not None  # the validator made sure
        ident.liveness_challenge = None  # answered once, never again
        ident.liveness_checking = True
        try:
            result = await self._check(challenge, submission)
        finally:
            ident.liveness_checking = False
        self.core.record_decision(
            f"liveness {ident.liveness_challenges_issued}: {'passed' if result.passed else 'failed'} "
            + " ".join(result.reasons)
        )
        if result.passed and result.portrait_ref is not None:
            ident.live_portrait_ref = result.portrait_ref
        return LivenessSubmissionResult(
            challenge_id=challenge.challenge_id,
            passed=result.passed,
            reasons=result.reasons,
            stage=self.core.stage,
            next_actions=next_actions(self.core),
        )

    def validate_submit(self, submission: SubmitLiveness) -> None:
        self._require_open()
        challenge = self.core.ident.liveness_challenge
        if challenge is None or challenge.challenge_id != submission.challenge_id:
            refuse("unknown_challenge", "this challenge is not the current one; ask for a new challenge")
        if workflow.now() >= challenge.expires_at:
            refuse("challenge_expired", "the challenge has expired; ask for a new one")
        if not refs_of_order(self.core.order.order_id, submission.frame_refs):
            refuse("foreign_frames", "frame references must be images uploaded for this order")

    def _require_open(self) -> None:
        self.core.require_stage(
            {Stage.AWAITING_IDENT}, "the camera check runs while the order waits for identification"
        )
        deadline = self.core.ident.deadline
        if deadline is not None and workflow.now() >= deadline:
            refuse_if(IDENT_DEADLINE_PASSED)

    async def _check(self, challenge: LivenessChallenge, submission: SubmitLiveness) -> LivenessResult:
        request = LivenessInput(
            order_id=self.core.order.order_id,
            challenge_id=challenge.challenge_id,
            steps=challenge.steps,
            frame_refs=submission.frame_refs,
            timestamps_ms=submission.timestamps_ms,
        )
        try:
            return await workflow.execute_activity(
                LIVENESS_ACTIVITY,
                request,
                task_queue=activity_options.queue_beside_orders(task_queues.VISION),
                result_type=LivenessResult,
                **activity_options.LIVENESS,
            )
        except ActivityError as error:
            # The check broke, not the customer's answer: they may ask for a new challenge.
            workflow.logger.warning("liveness check unavailable: %s", error.cause)
            return LivenessResult(passed=False, reasons=["CHECK_UNAVAILABLE"])
