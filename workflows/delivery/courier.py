"""The courier at the door: a handover (with the customer's code or an ID check) is an update the workflow
checks; a failed attempt and a handover that could not reach us are signals, accepted without a worker."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.commands import CourierHandover, CourierTurnedAway, DeliveryFailed, HandoverResult
    from orderflow.contract.guards import courier_report_refusal
    from orderflow.contract.names import CHECK_DELIVERY_CODE
    from orderflow.contract.outcomes import WRONG_CODE, AttemptOutcome
    from orderflow.contract.records import CheckCode, CodeCheck
    from orderflow.contract.stages import DeliveryMode, Stage
    from workflows import activity_options
    from workflows.delivery.attempts import record_attempt
    from workflows.order_core import OrderCore
    from workflows.refusals import refuse, refuse_if


class CourierReports:
    def __init__(self, core: OrderCore) -> None:
        self.core = core

    async def handover(self, handover: CourierHandover) -> HandoverResult:
        core = self.core
        attempt = core.delivery.attempt
        assert attempt is not None
        tries = core.policy.code_tries
        if attempt.code_required:
            assert handover.code is not None
            # Reserved before the check: entries sent at once are refused by the validator once the
            # reservations reach the limit, so no more codes are checked than there are tries.
            attempt.checks_in_flight += 1
            try:
                check = await workflow.execute_activity(
                    CHECK_DELIVERY_CODE,
                    CheckCode(order_id=core.order.order_id, attempt=attempt.number, code=handover.code),
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
                record_attempt(core, attempt)
                core.record_decision(f"attempt {attempt.number}: wrong code ({attempt.wrong_codes} of {tries})")
                if attempt.wrong_codes >= tries:
                    attempt.outcome = AttemptOutcome.CODE_LOCKED
                    core.count("orderflow_delivery_codes_locked", "Delivery attempts locked by wrong codes")
                    return HandoverResult(accepted=False, reason=AttemptOutcome.CODE_LOCKED.value, tries_left=0)
                return HandoverResult(accepted=False, reason=WRONG_CODE, tries_left=tries - attempt.wrong_codes)
        attempt.outcome = AttemptOutcome.DELIVERED
        note = "ID of the recipient checked" if handover.id_checked else "handed over"
        core.record_decision(f"attempt {attempt.number}: {note}")
        return HandoverResult(
            accepted=True, reason=AttemptOutcome.DELIVERED.value, tries_left=tries - attempt.wrong_codes
        )

    def validate_handover(self, handover: CourierHandover) -> None:
        core, delivery = self.core, self.core.delivery
        out = core.stage == Stage.OUT_FOR_DELIVERY
        refuse_if(courier_report_refusal(delivery.attempt_under_way() if out else None, handover.attempt))
        attempt = delivery.attempt
        assert attempt is not None
        if delivery.mode == DeliveryMode.RECIPIENT_WITH_ID and not handover.id_checked:
            refuse("id_check_required", "hand over only to the named recipient after checking their ID (id_checked)")
        code = handover.code or ""
        if attempt.code_required and not (code.isascii() and code.isdigit() and len(code) == 6):
            refuse("code_required", "this parcel needs the customer's 6-digit delivery code")
        if attempt.code_required and attempt.code_tries_left(core.policy.code_tries) == 0:
            refuse("code_tries_used", "every try for this attempt's code is used or being checked right now")

    def failed(self, failure: DeliveryFailed) -> None:
        attempt = self.core.delivery.attempt
        if attempt is None or courier_report_refusal(self.core.delivery.attempt_under_way(), failure.attempt):
            workflow.logger.warning("ignored delivery_failed for attempt %s", failure.attempt)
            return
        # The report names a reason; the outcome is always "failed", whatever the reason says.
        attempt.outcome = AttemptOutcome.FAILED
        attempt.failure_reason = failure.reason
        attempt.courier_note = failure.note

    def turned_away(self, report: CourierTurnedAway) -> None:
        """The courier's handover could not reach us (a worker outage): the day must not count against the customer."""
        attempt = self.core.delivery.attempt
        if attempt is None or courier_report_refusal(self.core.delivery.attempt_under_way(), report.attempt):
            workflow.logger.warning("ignored courier_turned_away for attempt %s", report.attempt)
            return
        attempt.courier_turned_away = True
