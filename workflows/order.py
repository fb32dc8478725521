"""OrderWorkflow: one order from checkout to the customer's door (lifecycle in DESIGN.md).

The one workflow class: it holds the run method and every update, signal and query handler, and delegates
to the two phases it is composed of, `IdentPhase` (workflows/ident/) and `DeliveryPhase` (workflows/delivery/),
which share the order's core (workflows/order_core.py: input, policy, stage changes, clock) and keep their
own state there (`IdentState`, `DeliveryState`). Every stage change goes through `OrderCore.enter`.
"""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # pydantic's EmailStr imports email_validator lazily; load it outside the sandbox once.
    import email_validator  # noqa: F401

    from orderflow.contract.commands import (
        CancelOrder,
        CancelResult,
        ChooseDoorstep,
        ClaimResult,
        ClaimVideoSession,
        CourierHandover,
        CourierTurnedAway,
        DeliveryFailed,
        HandoverResult,
        OperatorAction,
        OperatorActionResult,
        OrderStatus,
        PhotoSubmissionResult,
        RequestVideoIdent,
        SubmitPhotos,
        VideoIdentResult,
        VideoSessionRef,
    )
    from orderflow.contract.liveness import (
        LivenessChallenge,
        LivenessSubmissionResult,
        StartLiveness,
        SubmitLiveness,
    )
    from orderflow.contract.message_context import OrderReceived
    from orderflow.contract.messages import Event
    from orderflow.contract.names import LOAD_ORDER_POLICY, RECORD_ORDER
    from orderflow.contract.order import IdentMethod, OrderInput
    from orderflow.contract.policy import OrderPolicy
    from orderflow.contract.records import RecordOrder
    from orderflow.contract.stages import BEFORE_DISPATCH, FINAL, IdentOutcome, Stage
    from workflows import activity_options
    from workflows.delivery.phase import DeliveryPhase
    from workflows.ident.phase import IdentPhase
    from workflows.order_core import OrderCore
    from workflows.order_status import order_status
    from workflows.patches import ASKED_LATER, LATE_DAYS_BY_POLICY, PATCHES_AT_START, RECORDED_CLOCK, TIMER_EVEN_IF_LATE
    from workflows.refusals import refuse


@workflow.defn
class OrderWorkflow:
    @workflow.init
    def __init__(self, order: OrderInput) -> None:
        self._core = OrderCore(order)
        self._ident = IdentPhase(self._core)
        self._delivery = DeliveryPhase(self._core)

    @workflow.run
    async def run(self, order: OrderInput) -> OrderStatus:
        core = self._core
        # Checked once, first thing: the answer holds for the order's whole life, whatever its clock says later.
        core.timer_even_if_late = workflow.patched(TIMER_EVEN_IF_LATE)
        # Orders from before this check judged late days by the clock always; newer ones only when the policy says so.
        core.late_days_by_policy = workflow.patched(LATE_DAYS_BY_POLICY)
        core.recorded_clock = workflow.patched(RECORDED_CLOCK)
        if core.recorded_clock:
            # The start event's time: the same for every worker and every replay, unlike the first task's clock.
            core.started_at = workflow.info().workflow_start_time
        if workflow.patched(PATCHES_AT_START):
            # Each answer is kept: the later calls at the points of change return it and record nothing more.
            for patch in ASKED_LATER:
                workflow.patched(patch)
        if order.policy is None:
            core.policy = await workflow.execute_activity(
                LOAD_ORDER_POLICY, result_type=OrderPolicy, **activity_options.STORE
            )
        core.high_value = order.total >= core.policy.high_value_threshold
        if order.ident_method == IdentMethod.ONLINE:
            core.ident.deadline = core.started_at + core.policy.ident_deadline
        await workflow.execute_activity(
            RECORD_ORDER,
            RecordOrder(
                order_id=order.order_id,
                customer_no=order.customer.customer_no,
                ident_method=order.ident_method.value,
                total=order.total,
                currency=order.currency,
                high_value=core.high_value,
                at=core.started_at,
                first_run_id=workflow.info().first_execution_run_id,
            ),
            **activity_options.STORE,
        )
        core.enter(
            Stage.RECEIVED,
            event=Event.ORDER_RECEIVED,
            context=OrderReceived(
                ident_method=order.ident_method, ident_deadline=core.ident.deadline, high_value=core.high_value
            ),
        )

        if order.ident_method == IdentMethod.ONLINE:
            await self._ident.identify_online()
        elif order.ident_method == IdentMethod.DOORSTEP:
            core.ident.outcome = IdentOutcome.DOORSTEP
        else:
            core.ident.outcome = IdentOutcome.NOT_REQUIRED

        if core.cancel_reason is None:
            await self._delivery.deliver()
        if core.cancel_reason is not None:
            if core.ident.outcome == IdentOutcome.PENDING:
                core.delete_id_images("cancelled")
            core.enter(Stage.CANCELLED, event=Event.CANCELLED, note=core.cancel_reason)

        # Let handlers answer their callers and background writes land before the order closes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        await core.drain_background()
        return order_status(core)

    @workflow.query
    def status(self) -> OrderStatus:
        return order_status(self._core)

    # ----- the shop or an operator cancels -------------------------------------------------------

    @workflow.update
    async def cancel(self, request: CancelOrder) -> CancelResult:
        core = self._core
        core.cancel_reason = request.reason or "cancelled by the shop"
        if request.operator_id:
            core.record_operator_action(
                OperatorAction(operator_id=request.operator_id, reason=core.cancel_reason), "cancelled the order"
            )
        await workflow.wait_condition(lambda: core.stage in FINAL)
        return CancelResult(cancelled=core.stage == Stage.CANCELLED, stage=core.stage)

    @cancel.validator
    def _validate_cancel(self, request: CancelOrder) -> None:
        if self._core.cancel_reason is not None:
            refuse("already_cancelling", "the order is being cancelled already")
        self._core.require_stage(BEFORE_DISPATCH, "the parcel has left the warehouse and can no longer be cancelled")

    # ----- online identification: the customer ---------------------------------------------------

    @workflow.update
    async def submit_photos(self, photos: SubmitPhotos) -> PhotoSubmissionResult:
        return await self._ident.photos.submit(photos)

    @submit_photos.validator
    def _validate_submit_photos(self, photos: SubmitPhotos) -> None:
        self._ident.photos.validate(photos)

    @workflow.update
    async def request_video_ident(self, request: RequestVideoIdent) -> VideoSessionRef:
        return await self._ident.video.request()

    @request_video_ident.validator
    def _validate_request_video_ident(self, request: RequestVideoIdent) -> None:
        self._ident.video.validate_request()

    @workflow.update
    async def choose_doorstep(self, choice: ChooseDoorstep) -> OrderStatus:
        return await self._ident.choose_doorstep(choice)

    @choose_doorstep.validator
    def _validate_choose_doorstep(self, choice: ChooseDoorstep) -> None:
        self._ident.validate_choose_doorstep(choice)

    @workflow.update
    async def start_liveness(self, request: StartLiveness) -> LivenessChallenge:
        return await self._ident.liveness.start(request)

    @start_liveness.validator
    def _validate_start_liveness(self, request: StartLiveness) -> None:
        self._ident.liveness.validate_start(request)

    @workflow.update
    async def submit_liveness(self, submission: SubmitLiveness) -> LivenessSubmissionResult:
        return await self._ident.liveness.submit(submission)

    @submit_liveness.validator
    def _validate_submit_liveness(self, submission: SubmitLiveness) -> None:
        self._ident.liveness.validate_submit(submission)

    # ----- online identification: the video agent -----------------------------------------------

    @workflow.update
    async def claim_video_session(self, claim: ClaimVideoSession) -> ClaimResult:
        return await self._ident.video.claim(claim)

    @claim_video_session.validator
    def _validate_claim_video_session(self, claim: ClaimVideoSession) -> None:
        self._ident.video.validate_claim(claim)

    @workflow.signal
    def video_ident_result(self, result: VideoIdentResult) -> None:
        self._ident.video.verdict(result)

    # ----- online identification: operators -----------------------------------------------------

    @workflow.update
    async def operator_resend_ident_link(self, action: OperatorAction) -> OperatorActionResult:
        return await self._ident.operator.resend_ident_link(action)

    @operator_resend_ident_link.validator
    def _validate_operator_resend_ident_link(self, action: OperatorAction) -> None:
        self._ident.operator.validate_resend_ident_link(action)

    @workflow.update
    async def operator_force_doorstep(self, action: OperatorAction) -> OperatorActionResult:
        return await self._ident.operator.force_doorstep(action)

    @operator_force_doorstep.validator
    def _validate_operator_force_doorstep(self, action: OperatorAction) -> None:
        self._ident.operator.validate_force_doorstep(action)

    # ----- delivery: the courier and operators ---------------------------------------------------

    @workflow.update
    async def courier_handover(self, handover: CourierHandover) -> HandoverResult:
        return await self._delivery.courier.handover(handover)

    @courier_handover.validator
    def _validate_courier_handover(self, handover: CourierHandover) -> None:
        self._delivery.courier.validate_handover(handover)

    @workflow.signal
    def delivery_failed(self, failure: DeliveryFailed) -> None:
        self._delivery.courier.failed(failure)

    @workflow.signal
    def courier_turned_away(self, report: CourierTurnedAway) -> None:
        """The courier's handover could not reach us (a worker outage): the day must not count against the customer."""
        self._delivery.courier.turned_away(report)

    @workflow.update
    async def operator_reopen_delivery_attempt(self, action: OperatorAction) -> OperatorActionResult:
        return await self._delivery.reopen_attempt(action)

    @operator_reopen_delivery_attempt.validator
    def _validate_operator_reopen_delivery_attempt(self, action: OperatorAction) -> None:
        self._delivery.validate_reopen_attempt(action)
