"""Dispatch and delivery attempts: one-time codes, ID checks at the door, failed days, return."""

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.commands import (
        CourierHandover,
        CourierTurnedAway,
        DeliveryFailed,
        HandoverResult,
        OperatorAction,
        OperatorActionResult,
    )
    from orderflow.contract.delivery_calendar import DeliveryDay, next_delivery_day
    from orderflow.contract.guards import courier_report_refusal
    from orderflow.contract.message_context import (
        AttemptFailed,
        Delivered,
        DeliveryCode,
        DeliveryRescheduled,
        ParcelDispatched,
    )
    from orderflow.contract.messages import Event
    from orderflow.contract.names import CHECK_DELIVERY_CODE, ISSUE_DELIVERY_CODE, RECORD_DELIVERY_ATTEMPT
    from orderflow.contract.outcomes import WRONG_CODE, AttemptOutcome
    from orderflow.contract.records import CheckCode, CodeCheck, IssueCode, RecordDeliveryAttempt
    from orderflow.contract.stages import DeliveryMode, IdentOutcome, Stage
    from workflows import activity_options
    from workflows.order_base import OrderBase
    from workflows.order_state import DeliveryAttempt
    from workflows.patches import OUR_DOWNTIME_COSTS_NO_ATTEMPT, REOPEN_ISSUES_FRESH_CODE
    from workflows.refusals import refuse, refuse_if


class Delivery(OrderBase):
    async def _deliver(self) -> None:
        online_or_none = (IdentOutcome.PHOTO_PASSED, IdentOutcome.VIDEO_APPROVED, IdentOutcome.NOT_REQUIRED)
        self._delivery_mode = (
            DeliveryMode.ANYONE_AT_ADDRESS if self._ident_outcome in online_or_none else DeliveryMode.RECIPIENT_WITH_ID
        )
        self._enter(Stage.AWAITING_DISPATCH, note=self._delivery_mode.value)
        # Hand-over to the carrier happens now (no warehouse integration yet); cancelling closes here.
        if self._cancel_reason is not None:
            return
        day = next_delivery_day(self._policy, await self._decision_clock(), self._started_at)
        self._next_day_starts_at = day.starts_at
        self._enter(
            Stage.DISPATCHED,
            event=Event.PARCEL_DISPATCHED,
            context=ParcelDispatched(
                delivery_mode=self._delivery_mode, high_value=self._high_value, first_delivery_day=day.starts_at
            ),
        )
        number = 1
        while number <= self._policy.delivery_attempts:
            await workflow.sleep(max(timedelta(0), day.starts_at - workflow.now()))
            next_day = next_delivery_day(self._policy, day.starts_at, self._started_at)
            now = await self._decision_clock()
            if self._too_late_for(day, now) and workflow.patched(OUR_DOWNTIME_COSTS_NO_ATTEMPT):
                # We could not run until the day was over: no courier went out, and a code for it would be useless.
                day = self._reschedule(number, day, now, why="the delivery day passed while orderflow could not run")
                continue
            attempt = await self._start_attempt(number, day)
            while True:
                await self._wait_until(lambda attempt=attempt: attempt.outcome is not None, day.ends_at)
                if attempt.outcome is None:
                    attempt.outcome = AttemptOutcome.END_OF_DAY  # before the clock's await: no handover lands now
                    now = await self._decision_clock()
                    if self._our_downtime_spoiled(attempt, now) and workflow.patched(OUR_DOWNTIME_COSTS_NO_ATTEMPT):
                        attempt.outcome = AttemptOutcome.NOT_COUNTED
                self._record_attempt(attempt)
                if attempt.outcome == AttemptOutcome.DELIVERED:
                    self._enter(
                        Stage.DELIVERED,
                        event=Event.DELIVERED,
                        context=Delivered(attempt=number),
                        note=f"attempt {number}",
                    )
                    return
                if attempt.outcome == AttemptOutcome.NOT_COUNTED:
                    next_day = self._reschedule(number, day, now, why=self._downtime_note(attempt))
                    break
                self._report_failed_attempt(attempt, next_day.starts_at)
                # Until the day ends an operator may re-open the attempt (a mistaken report, a locked code).
                if not await self._wait_until(lambda: self._reopen_requested, day.ends_at):
                    break
                await self._reopen(attempt)
            if attempt.outcome != AttemptOutcome.NOT_COUNTED:
                number += 1
            day = next_day
        self._enter(Stage.RETURNED, event=Event.RETURNED, note=f"{self._policy.delivery_attempts} attempts failed")

    # ----- our downtime is never the customer's loss -------------------------------------------------

    def _lateness_allowed(self, day: DeliveryDay) -> timedelta:
        # A running worker handles a timer within milliseconds; a minute late (a tenth of a compressed day,
        # a second at least) means no worker could run the order then.
        return min(timedelta(minutes=1), max(timedelta(seconds=1), (day.ends_at - day.starts_at) / 10))

    def _judge_late_days(self) -> bool:
        # With a recorded clock always; orders from before it as their policy or their age says.
        return self._recorded_clock or self._policy.reschedule_late_days or not self._late_days_by_policy

    def _too_late_for(self, day: DeliveryDay, now: datetime) -> bool:
        return self._judge_late_days() and now >= day.ends_at - self._lateness_allowed(day)

    def _our_downtime_spoiled(self, attempt: DeliveryAttempt, now: datetime) -> bool:
        """The day ended without a handover because of us: we ran late at its end, or a courier was turned away."""
        late = now - attempt.day.ends_at > self._lateness_allowed(attempt.day)
        return (self._judge_late_days() and late) or attempt.courier_turned_away

    def _downtime_note(self, attempt: DeliveryAttempt) -> str:
        if attempt.courier_turned_away:
            return "the courier's handover could not reach orderflow"
        return "the delivery day ended while orderflow could not run"

    def _reschedule(self, number: int, day: DeliveryDay, now: datetime, why: str) -> DeliveryDay:
        """Moves the attempt to the first delivery day that is still ahead, tells the customer, returns that day."""
        next_day = next_delivery_day(self._policy, day.starts_at, self._started_at)
        while self._too_late_for(next_day, now):  # we may have been down for more than a day
            next_day = next_delivery_day(self._policy, next_day.starts_at, self._started_at)
        self._next_day_starts_at = next_day.starts_at
        self._rescheduled_days += 1
        self._enter(
            Stage.DISPATCHED,
            event=Event.DELIVERY_RESCHEDULED,
            context=DeliveryRescheduled(
                attempt=number,
                missed_day=day.starts_at,
                next_attempt_on=next_day.starts_at,
                attempts_left=self._policy.delivery_attempts - number + 1,
            ),
            note=f"attempt {number} not counted, moved to the next delivery day: {why}",
            n=self._rescheduled_days,
        )
        return next_day

    async def _reopen(self, attempt: DeliveryAttempt) -> None:
        attempt.outcome = None
        attempt.failure_reason = None
        attempt.courier_note = ""
        attempt.wrong_codes = 0
        # Five more tries at a code that was already guessed at would make the lock worthless: a re-opened
        # attempt gets a fresh code. Orders that re-opened before this rule replay without it.
        fresh_code = attempt.code_required and workflow.patched(REOPEN_ISSUES_FRESH_CODE)
        if fresh_code:
            await self._issue_code(attempt)
        self._reopen_requested = False
        self._next_day_starts_at = None
        self._record_attempt(attempt)
        self._enter(
            Stage.OUT_FOR_DELIVERY,
            event=Event.DELIVERY_CODE if fresh_code else None,
            context=self._attempt_context(attempt),
            note=f"attempt {attempt.number} re-opened by an operator",
            n=f"{attempt.number}.{attempt.codes_issued}",
        )

    async def _start_attempt(self, number: int, day: DeliveryDay) -> DeliveryAttempt:
        attempt = DeliveryAttempt(number=number, day=day, code_required=self._high_value)
        if self._attempt is not None and self._attempt.number == number:
            # The same attempt again on a new day (the last one was not counted): its next code is a fresh issue.
            attempt.codes_issued = self._attempt.codes_issued
        if attempt.code_required:
            await self._issue_code(attempt)
        self._attempt = attempt
        self._next_day_starts_at = None
        self._record_attempt(attempt)
        self._enter(
            Stage.OUT_FOR_DELIVERY,
            event=Event.DELIVERY_CODE if attempt.code_required else None,
            context=self._attempt_context(attempt),
            note=f"attempt {number}",
            n=number if attempt.codes_issued <= 1 else f"{number}.{attempt.codes_issued}",
        )
        return attempt

    async def _issue_code(self, attempt: DeliveryAttempt) -> None:
        attempt.codes_issued += 1
        # The activity keeps the code; only its validity comes back into history.
        await workflow.execute_activity(
            ISSUE_DELIVERY_CODE,
            IssueCode(
                order_id=self._order.order_id,
                attempt=attempt.number,
                valid_until=attempt.day.ends_at,
                issue=attempt.codes_issued,
            ),
            **activity_options.STORE,
        )

    def _attempt_context(self, attempt: DeliveryAttempt) -> DeliveryCode:
        assert self._delivery_mode is not None
        return DeliveryCode(attempt=attempt.number, valid_until=attempt.day.ends_at, delivery_mode=self._delivery_mode)

    def _report_failed_attempt(self, attempt: DeliveryAttempt, next_day_starts_at: datetime) -> None:
        attempts_left = self._policy.delivery_attempts - attempt.number
        # A reason code or the outcome: fixed wording in the customer's e-mail, never the courier's note.
        reason = attempt.failure_reason or attempt.outcome
        assert reason is not None
        note = f"attempt {attempt.number}: {reason.value}"
        if attempt.courier_note:
            note += f"; courier's note: {attempt.courier_note}"  # for the audit trail only
        if not attempts_left:
            # No message: the parcel goes back at the end of the day, and that message follows then.
            self._next_day_starts_at = None
            self._enter(Stage.DISPATCHED, note=note)
            return
        self._failed_attempt_reports += 1
        self._next_day_starts_at = next_day_starts_at
        self._enter(
            Stage.DISPATCHED,
            event=Event.ATTEMPT_FAILED,
            context=AttemptFailed(
                attempt=attempt.number,
                reason=reason.value,
                next_attempt_on=next_day_starts_at,
                attempts_left=attempts_left,
            ),
            note=note,
            n=self._failed_attempt_reports,
        )

    def _attempt_under_way(self) -> int | None:
        """The number of the attempt whose outcome is still open, if any (the courier's reports name it)."""
        attempt = self._attempt
        return attempt.number if attempt is not None and attempt.outcome is None else None

    def _record_attempt(self, attempt: DeliveryAttempt) -> None:
        assert self._delivery_mode is not None
        self._store_revision += 1
        self._store(
            RECORD_DELIVERY_ATTEMPT,
            RecordDeliveryAttempt(
                order_id=self._order.order_id,
                attempt=attempt.number,
                code_required=attempt.code_required,
                delivery_mode=self._delivery_mode.value,
                wrong_codes=attempt.wrong_codes,
                outcome=attempt.outcome.value if attempt.outcome else None,
                started_at=attempt.day.starts_at,
                ends_at=attempt.day.ends_at,
                ended_at=workflow.now() if attempt.outcome else None,
                revision=self._store_revision,
            ),
        )

    @workflow.update
    async def courier_handover(self, handover: CourierHandover) -> HandoverResult:
        attempt = self._attempt
        assert attempt is not None
        tries = self._policy.code_tries
        if attempt.code_required:
            assert handover.code is not None
            # Reserved before the check: entries sent at once are refused by the validator once the
            # reservations reach the limit, so no more codes are checked than there are tries.
            attempt.checks_in_flight += 1
            try:
                check = await workflow.execute_activity(
                    CHECK_DELIVERY_CODE,
                    CheckCode(order_id=self._order.order_id, attempt=attempt.number, code=handover.code),
                    result_type=CodeCheck,
                    **activity_options.STORE,
                )
            finally:
                attempt.checks_in_flight -= 1
            # This await yields: the day may have ended or another entry may have decided meanwhile.
            if attempt.outcome is not None:
                delivered = attempt.outcome == AttemptOutcome.DELIVERED
                return HandoverResult(accepted=delivered, reason=attempt.outcome.value, tries_left=0)
            if not check.matches:
                attempt.wrong_codes += 1
                self._record_attempt(attempt)
                self._record_decision(f"attempt {attempt.number}: wrong code ({attempt.wrong_codes} of {tries})")
                if attempt.wrong_codes >= tries:
                    attempt.outcome = AttemptOutcome.CODE_LOCKED
                    self._count("orderflow_delivery_codes_locked", "Delivery attempts locked by wrong codes")
                    return HandoverResult(accepted=False, reason=AttemptOutcome.CODE_LOCKED.value, tries_left=0)
                return HandoverResult(accepted=False, reason=WRONG_CODE, tries_left=tries - attempt.wrong_codes)
        attempt.outcome = AttemptOutcome.DELIVERED
        note = "ID of the recipient checked" if handover.id_checked else "handed over"
        self._record_decision(f"attempt {attempt.number}: {note}")
        return HandoverResult(
            accepted=True, reason=AttemptOutcome.DELIVERED.value, tries_left=tries - attempt.wrong_codes
        )

    @courier_handover.validator
    def _validate_courier_handover(self, handover: CourierHandover) -> None:
        attempt = self._attempt
        out = self._stage == Stage.OUT_FOR_DELIVERY
        refuse_if(courier_report_refusal(self._attempt_under_way() if out else None, handover.attempt))
        assert attempt is not None
        if self._delivery_mode == DeliveryMode.RECIPIENT_WITH_ID and not handover.id_checked:
            refuse("id_check_required", "hand over only to the named recipient after checking their ID (id_checked)")
        code = handover.code or ""
        if attempt.code_required and not (code.isascii() and code.isdigit() and len(code) == 6):
            refuse("code_required", "this parcel needs the customer's 6-digit delivery code")
        if attempt.code_required and attempt.code_tries_left(self._policy.code_tries) == 0:
            refuse("code_tries_used", "every try for this attempt's code is used or being checked right now")

    @workflow.signal
    def delivery_failed(self, failure: DeliveryFailed) -> None:
        attempt = self._attempt
        if attempt is None or courier_report_refusal(self._attempt_under_way(), failure.attempt) is not None:
            workflow.logger.warning("ignored delivery_failed for attempt %s", failure.attempt)
            return
        # The report names a reason; the outcome is always "failed", whatever the reason says.
        attempt.outcome = AttemptOutcome.FAILED
        attempt.failure_reason = failure.reason
        attempt.courier_note = failure.note

    @workflow.signal
    def courier_turned_away(self, report: CourierTurnedAway) -> None:
        """The courier's handover could not reach us (a worker outage): the day must not count against the customer."""
        attempt = self._attempt
        if attempt is None or courier_report_refusal(self._attempt_under_way(), report.attempt) is not None:
            workflow.logger.warning("ignored courier_turned_away for attempt %s", report.attempt)
            return
        attempt.courier_turned_away = True

    @workflow.update
    async def operator_reopen_delivery_attempt(self, action: OperatorAction) -> OperatorActionResult:
        assert self._attempt is not None
        self._record_operator_action(action, f"re-opened attempt {self._attempt.number}")
        self._reopen_requested = True
        await workflow.wait_condition(lambda: not self._reopen_requested)
        return OperatorActionResult(
            done=True,
            stage=self._stage,
            message=f"attempt {self._attempt.number} is open again until {self._attempt.day.ends_at.isoformat()}",
        )

    @operator_reopen_delivery_attempt.validator
    def _validate_operator_reopen_delivery_attempt(self, action: OperatorAction) -> None:
        attempt = self._attempt
        if (
            self._stage != Stage.DISPATCHED
            or attempt is None
            or attempt.outcome in (None, AttemptOutcome.DELIVERED)
            or workflow.now() >= attempt.day.ends_at
            or self._reopen_requested
        ):
            refuse("nothing_to_reopen", "only a failed attempt whose delivery day is not over can be re-opened")
