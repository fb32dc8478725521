"""Dispatch and delivery as one phase of the order: the delivery days, one attempt a day with its code, failed
days, an operator's re-open, and the return. The courier's reports and our downtime have their own files."""

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.commands import OperatorAction, OperatorActionResult
    from orderflow.contract.delivery_calendar import DeliveryDay, next_delivery_day
    from orderflow.contract.message_context import AttemptFailed, Delivered, ParcelDispatched
    from orderflow.contract.messages import Event
    from orderflow.contract.outcomes import AttemptOutcome
    from orderflow.contract.stages import DeliveryMode, IdentOutcome, Stage
    from workflows.delivery.attempts import code_message, issue_code, record_attempt
    from workflows.delivery.courier import CourierReports
    from workflows.delivery.downtime import Downtime
    from workflows.order_core import OrderCore
    from workflows.order_state import DeliveryAttempt
    from workflows.patches import HANDOVER_CUT_OFF_IS_OURS, OUR_DOWNTIME_COSTS_NO_ATTEMPT, REOPEN_ISSUES_FRESH_CODE
    from workflows.refusals import refuse


class DeliveryPhase:
    def __init__(self, core: OrderCore) -> None:
        self.core = core
        self.courier = CourierReports(core)
        self.downtime = Downtime(core)

    async def deliver(self) -> None:
        core, delivery, downtime = self.core, self.core.delivery, self.downtime
        online_or_none = (IdentOutcome.PHOTO_PASSED, IdentOutcome.VIDEO_APPROVED, IdentOutcome.NOT_REQUIRED)
        delivery.mode = (
            DeliveryMode.ANYONE_AT_ADDRESS if core.ident.outcome in online_or_none else DeliveryMode.RECIPIENT_WITH_ID
        )
        core.enter(Stage.AWAITING_DISPATCH, note=delivery.mode.value)
        # Hand-over to the carrier happens now (no warehouse integration yet); cancelling closes here.
        if core.cancel_reason is not None:
            return
        day = next_delivery_day(core.policy, await core.decision_clock(), core.started_at)
        delivery.next_day_starts_at = day.starts_at
        core.enter(
            Stage.DISPATCHED,
            event=Event.PARCEL_DISPATCHED,
            context=ParcelDispatched(
                delivery_mode=delivery.mode, high_value=core.high_value, first_delivery_day=day.starts_at
            ),
        )
        number = 1
        while number <= core.policy.delivery_attempts:
            await workflow.sleep(max(timedelta(0), day.starts_at - workflow.now()))
            next_day = next_delivery_day(core.policy, day.starts_at, core.started_at)
            now = await core.decision_clock()
            if downtime.too_late_for(day, now) and workflow.patched(OUR_DOWNTIME_COSTS_NO_ATTEMPT):
                # We could not run until the day was over: no courier went out, and a code for it would be useless.
                day = downtime.reschedule(number, day, now, why="the delivery day passed while orderflow could not run")
                continue
            attempt = await self._start_attempt(number, day)
            while True:
                await core.wait_until(lambda attempt=attempt: attempt.outcome is not None, day.ends_at)
                if attempt.outcome is None:
                    attempt.outcome = AttemptOutcome.END_OF_DAY  # before the clock's await: no handover lands now
                    # A courier's code still being checked reached us before the day ended: we were too slow.
                    cut_off = attempt.checks_in_flight > 0
                    attempt.handover_cut_off = cut_off and workflow.patched(HANDOVER_CUT_OFF_IS_OURS)
                    now = await core.decision_clock()
                    if downtime.spoiled(attempt, now) and workflow.patched(OUR_DOWNTIME_COSTS_NO_ATTEMPT):
                        attempt.outcome = AttemptOutcome.NOT_COUNTED
                record_attempt(core, attempt)
                if attempt.outcome == AttemptOutcome.DELIVERED:
                    core.enter(
                        Stage.DELIVERED,
                        event=Event.DELIVERED,
                        context=Delivered(attempt=number),
                        note=f"attempt {number}",
                    )
                    return
                if attempt.outcome == AttemptOutcome.NOT_COUNTED:
                    next_day = downtime.reschedule(number, day, now, why=downtime.note(attempt))
                    break
                self._report_failed_attempt(attempt, next_day.starts_at)
                # Until the day ends an operator may re-open the attempt (a mistaken report, a locked code).
                if not await core.wait_until(lambda: delivery.reopen_requested, day.ends_at):
                    break
                await self._reopen(attempt)
            if attempt.outcome != AttemptOutcome.NOT_COUNTED:
                number += 1
            day = next_day
        core.enter(Stage.RETURNED, event=Event.RETURNED, note=f"{core.policy.delivery_attempts} attempts failed")

    async def _start_attempt(self, number: int, day: DeliveryDay) -> DeliveryAttempt:
        core, delivery = self.core, self.core.delivery
        attempt = DeliveryAttempt(number=number, day=day, code_required=core.high_value)
        if delivery.attempt is not None and delivery.attempt.number == number:
            # The same attempt again on a new day (the last one was not counted): its next code is a fresh issue.
            attempt.codes_issued = delivery.attempt.codes_issued
        if attempt.code_required:
            await issue_code(core, attempt)
        delivery.attempt = attempt
        delivery.next_day_starts_at = None
        record_attempt(core, attempt)
        core.enter(
            Stage.OUT_FOR_DELIVERY,
            event=Event.DELIVERY_CODE if attempt.code_required else None,
            context=code_message(core, attempt),
            note=f"attempt {number}",
            n=number if attempt.codes_issued <= 1 else f"{number}.{attempt.codes_issued}",
        )
        return attempt

    async def _reopen(self, attempt: DeliveryAttempt) -> None:
        core, delivery = self.core, self.core.delivery
        attempt.outcome = None
        attempt.failure_reason = None
        attempt.courier_note = ""
        attempt.wrong_codes = 0
        # Five more tries at a code that was already guessed at would make the lock worthless: a re-opened
        # attempt gets a fresh code. Orders that re-opened before this rule replay without it.
        fresh_code = attempt.code_required and workflow.patched(REOPEN_ISSUES_FRESH_CODE)
        if fresh_code:
            await issue_code(core, attempt)
        delivery.reopen_requested = False
        delivery.next_day_starts_at = None
        record_attempt(core, attempt)
        core.enter(
            Stage.OUT_FOR_DELIVERY,
            event=Event.DELIVERY_CODE if fresh_code else None,
            context=code_message(core, attempt),
            note=f"attempt {attempt.number} re-opened by an operator",
            n=f"{attempt.number}.{attempt.codes_issued}",
        )

    def _report_failed_attempt(self, attempt: DeliveryAttempt, next_day_starts_at: datetime) -> None:
        core, delivery = self.core, self.core.delivery
        attempts_left = core.policy.delivery_attempts - attempt.number
        # A reason code or the outcome: fixed wording in the customer's e-mail, never the courier's note.
        reason = attempt.failure_reason or attempt.outcome
        assert reason is not None
        note = f"attempt {attempt.number}: {reason.value}"
        if attempt.courier_note:
            note += f"; courier's note: {attempt.courier_note}"  # for the audit trail only
        if not attempts_left:
            # No message: the parcel goes back at the end of the day, and that message follows then.
            delivery.next_day_starts_at = None
            core.enter(Stage.DISPATCHED, note=note)
            return
        delivery.failed_attempt_reports += 1
        delivery.next_day_starts_at = next_day_starts_at
        core.enter(
            Stage.DISPATCHED,
            event=Event.ATTEMPT_FAILED,
            context=AttemptFailed(
                attempt=attempt.number,
                reason=reason.value,
                next_attempt_on=next_day_starts_at,
                attempts_left=attempts_left,
            ),
            note=note,
            n=delivery.failed_attempt_reports,
        )

    # ----- an operator re-opens a failed attempt ------------------------------------------------

    async def reopen_attempt(self, action: OperatorAction) -> OperatorActionResult:
        core, delivery = self.core, self.core.delivery
        assert delivery.attempt is not None
        core.record_operator_action(action, f"re-opened attempt {delivery.attempt.number}")
        delivery.reopen_requested = True
        await workflow.wait_condition(lambda: not delivery.reopen_requested)
        attempt = delivery.attempt
        assert attempt is not None
        return OperatorActionResult(
            done=True,
            stage=core.stage,
            message=f"attempt {attempt.number} is open again until {attempt.day.ends_at.isoformat()}",
        )

    def validate_reopen_attempt(self, action: OperatorAction) -> None:
        core, delivery = self.core, self.core.delivery
        attempt = delivery.attempt
        if (
            core.stage != Stage.DISPATCHED
            or attempt is None
            or attempt.outcome in (None, AttemptOutcome.DELIVERED)
            or workflow.now() >= attempt.day.ends_at
            or delivery.reopen_requested
        ):
            refuse("nothing_to_reopen", "only a failed attempt whose delivery day is not over can be re-opened")
