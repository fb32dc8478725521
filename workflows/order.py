"""OrderWorkflow: one order from checkout to the customer's door (lifecycle in DESIGN.md).

The run method walks the phases (online ident, dispatch, delivery attempts); updates and signals
change state, and the run loop or the handler moves the stage on. The phases live in their own
classes (`OnlineIdent`, `Delivery`) on a shared `OrderBase`; every stage change goes through
`OrderBase._enter`.
"""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # pydantic's EmailStr imports email_validator lazily; load it outside the sandbox once.
    import email_validator  # noqa: F401

    from orderflow.contract.commands import (
        CancelOrder,
        CancelResult,
        OperatorAction,
        OrderStatus,
    )
    from orderflow.contract.message_context import OrderReceived
    from orderflow.contract.messages import Event
    from orderflow.contract.names import LOAD_ORDER_POLICY, RECORD_ORDER
    from orderflow.contract.order import IdentMethod, OrderInput
    from orderflow.contract.policy import OrderPolicy
    from orderflow.contract.records import RecordOrder
    from orderflow.contract.stages import BEFORE_DISPATCH, FINAL, IdentOutcome, Stage
    from workflows import activity_options
    from workflows.delivery import Delivery
    from workflows.liveness import Liveness
    from workflows.online_ident import OnlineIdent
    from workflows.patches import ASKED_LATER, LATE_DAYS_BY_POLICY, PATCHES_AT_START, RECORDED_CLOCK, TIMER_EVEN_IF_LATE
    from workflows.refusals import refuse


@workflow.defn
class OrderWorkflow(OnlineIdent, Delivery, Liveness):
    @workflow.init
    def __init__(self, order: OrderInput) -> None:
        super().__init__(order)

    @workflow.run
    async def run(self, order: OrderInput) -> OrderStatus:
        # Checked once, first thing: the answer holds for the order's whole life, whatever its clock says later.
        self._timer_even_if_late = workflow.patched(TIMER_EVEN_IF_LATE)
        # Orders from before this check judged late days by the clock always; newer ones only when the policy says so.
        self._late_days_by_policy = workflow.patched(LATE_DAYS_BY_POLICY)
        self._recorded_clock = workflow.patched(RECORDED_CLOCK)
        if self._recorded_clock:
            # The start event's time: the same for every worker and every replay, unlike the first task's clock.
            self._started_at = workflow.info().workflow_start_time
        if workflow.patched(PATCHES_AT_START):
            # Each answer is kept: the later calls at the points of change return it and record nothing more.
            for patch in ASKED_LATER:
                workflow.patched(patch)
        if order.policy is None:
            self._policy = await workflow.execute_activity(
                LOAD_ORDER_POLICY, result_type=OrderPolicy, **activity_options.STORE
            )
        self._high_value = order.total >= self._policy.high_value_threshold
        if order.ident_method == IdentMethod.ONLINE:
            self._ident_deadline = self._started_at + self._policy.ident_deadline
        await workflow.execute_activity(
            RECORD_ORDER,
            RecordOrder(
                order_id=order.order_id,
                customer_no=order.customer.customer_no,
                ident_method=order.ident_method.value,
                total=order.total,
                currency=order.currency,
                high_value=self._high_value,
                at=self._started_at,
                first_run_id=workflow.info().first_execution_run_id,
            ),
            **activity_options.STORE,
        )
        self._enter(
            Stage.RECEIVED,
            event=Event.ORDER_RECEIVED,
            context=OrderReceived(
                ident_method=order.ident_method, ident_deadline=self._ident_deadline, high_value=self._high_value
            ),
        )

        if order.ident_method == IdentMethod.ONLINE:
            await self._identify_online()
        elif order.ident_method == IdentMethod.DOORSTEP:
            self._ident_outcome = IdentOutcome.DOORSTEP
        else:
            self._ident_outcome = IdentOutcome.NOT_REQUIRED

        if self._cancel_reason is None:
            await self._deliver()
        if self._cancel_reason is not None:
            if self._ident_outcome == IdentOutcome.PENDING:
                self._delete_id_images("cancelled")
            self._enter(Stage.CANCELLED, event=Event.CANCELLED, note=self._cancel_reason)

        # Let handlers answer their callers and background writes land before the order closes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._drain_background()
        return self.status()

    # ----- cancel ------------------------------------------------------------------------------

    @workflow.update
    async def cancel(self, request: CancelOrder) -> CancelResult:
        self._cancel_reason = request.reason or "cancelled by the shop"
        if request.operator_id:
            self._record_operator_action(
                OperatorAction(operator_id=request.operator_id, reason=self._cancel_reason), "cancelled the order"
            )
        await workflow.wait_condition(lambda: self._stage in FINAL)
        return CancelResult(cancelled=self._stage == Stage.CANCELLED, stage=self._stage)

    @cancel.validator
    def _validate_cancel(self, request: CancelOrder) -> None:
        if self._cancel_reason is not None:
            refuse("already_cancelling", "the order is being cancelled already")
        self._require_stage(BEFORE_DISPATCH, "the parcel has left the warehouse and can no longer be cancelled")
