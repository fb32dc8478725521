"""What every phase of an order shares: its input and policy, its stage, its clock and its background writes.

A stage change (`enter`) updates the search attributes and the Temporal UI's details, and starts the audit
record, the customer's message and the storefront's event in the background. The phases keep their own state
(`ident`, `delivery`: workflows/order_state.py) here too, where the status query and the stage change read it.
"""

import asyncio
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from orderflow.contract import search_attributes as sa
    from orderflow.contract import task_queues
    from orderflow.contract.commands import OperatorAction, StageChange
    from orderflow.contract.guards import wrong_stage
    from orderflow.contract.message_context import EventContext
    from orderflow.contract.messages import Event, MessageRequest
    from orderflow.contract.names import (
        DELETE_ID_IMAGES,
        READ_CLOCK,
        RECORD_STAGE_CHANGE,
        SEND_MESSAGE_ACTIVITY,
    )
    from orderflow.contract.order import IdentMethod, OrderInput
    from orderflow.contract.policy import OrderPolicy
    from orderflow.contract.records import DeleteIdImages, RecordStageChange
    from orderflow.contract.stages import FINAL, Stage
    from orderflow.contract.webhook_events import OrderEvent, webhook_event_type
    from workflows import activity_options
    from workflows.current_details import describe_wait
    from workflows.order_state import DeliveryState, IdentState
    from workflows.order_status import order_status
    from workflows.patches import WEBHOOK_EVENTS
    from workflows.refusals import refuse, refuse_if
    from workflows.webhook_publishing import publish_order_event


class OrderCore:
    def __init__(self, order: OrderInput) -> None:
        self.order = order
        self.policy = order.policy or OrderPolicy()  # replaced by the recorded settings in run()
        self.started_at = workflow.now()
        self.stage = Stage.RECEIVED
        self.stage_entered_at = self.started_at
        self.timeline: list[StageChange] = []
        self.changes = 0  # bumped at every stage change; the run loop wakes on it
        self.audit_seq = 0
        self.background: list[asyncio.Task[Any]] = []
        self.cancel_reason: str | None = None
        self.high_value = False
        self.late_days_by_policy = False  # set at the start of run(), like the next one
        self.timer_even_if_late = False  # set at the start of run(): orders that began before replay without it
        self.recorded_clock = False  # set at the start of run(), like the two above
        self.webhook_events = 0  # 1, 2, 3 ... per order: endpoints' queues deliver in this order
        self.ident = IdentState()
        self.delivery = DeliveryState()

    # ----- refusals shared by the validators ----------------------------------------------------

    def require_not_cancelled(self) -> None:
        if self.cancel_reason is not None:
            refuse("order_cancelled", "the order is cancelled")

    def require_stage(self, allowed: set[Stage] | frozenset[Stage], message: str) -> None:
        self.require_not_cancelled()
        if self.stage not in allowed:
            refuse_if(wrong_stage(message, self.stage))

    # ----- stage changes -----------------------------------------------------------------------

    def enter(
        self,
        stage: Stage,
        event: Event | None = None,
        context: EventContext | None = None,
        note: str = "",
        n: int | str = 0,
    ) -> None:
        now = workflow.now()
        self.timeline.append(StageChange(stage=stage, at=now, note=note))
        self.stage = stage
        self.stage_entered_at = now
        self.changes += 1
        self._upsert_search_attributes()
        workflow.set_current_details(describe_wait(order_status(self)))
        if stage in FINAL:
            self.count("orderflow_orders_finished", "Orders that reached a final stage", stage=stage.value)
        self.record(kind="stage", note=note)
        if event is not None:
            self.notify(event, context, n)
        webhook = webhook_event_type(stage, event)
        if webhook is not None and workflow.patched(WEBHOOK_EVENTS):
            self.webhook_events += 1
            # Started right here, like the e-mail: a command issued by a task that waits for another task's
            # completion lands in a different place when live jobs and replayed jobs are ordered differently.
            attempt = self.delivery.attempt
            publish = publish_order_event(
                OrderEvent(
                    order_id=self.order.order_id,
                    customer_no=self.order.customer.customer_no,
                    type=webhook,
                    stage=stage.value,
                    sequence=self.webhook_events,
                    occurred_at=now,
                    ident_outcome=self.ident.outcome.value,
                    attempt=attempt.number if attempt else 0,
                ),
            )
            self.in_background(publish)

    def _upsert_search_attributes(self) -> None:
        attempt = self.delivery.attempt
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.ORDER_STAGE.value_set(self.stage.value),
            sa.IDENT_METHOD.value_set(self.order.ident_method.value),
            sa.IDENT_OUTCOME.value_set(self.ident.outcome.value),
            sa.DELIVERY_ATTEMPT.value_set(attempt.number if attempt else 0),
            sa.HIGH_VALUE.value_set(self.high_value),
            sa.STAGE_ENTERED_AT.value_set(self.stage_entered_at),
            sa.CUSTOMER_NO.value_set(self.order.customer.customer_no),
        ]
        if self.ident.deadline is not None:
            updates.append(sa.IDENT_DEADLINE.value_set(self.ident.deadline))
        workflow.upsert_search_attributes(updates)

    # ----- what the order leaves behind: audit trail, store records, messages, metrics ---------

    def record(self, kind: str, note: str = "", actor: str = "workflow") -> None:
        self.audit_seq += 1
        record = RecordStageChange(
            order_id=self.order.order_id,
            seq=self.audit_seq,
            stage=self.stage.value,
            note=note,
            actor=actor,
            kind=kind,
            at=workflow.now(),
        )
        self.store(RECORD_STAGE_CHANGE, record)

    def store(self, activity_name: str, record: Any) -> None:
        self.in_background(workflow.start_activity(activity_name, record, **activity_options.STORE))

    def delete_id_images(self, reason: str) -> None:
        # The ident decision is final: the photos have done their job (DESIGN.md, data rules).
        if self.order.ident_method == IdentMethod.ONLINE:
            self.store(DELETE_ID_IMAGES, DeleteIdImages(order_id=self.order.order_id, reason=reason))

    def record_decision(self, note: str, actor: str = "workflow") -> None:
        self.record(kind="decision", note=note, actor=actor)

    def record_operator_action(self, action: OperatorAction, what: str) -> None:
        self.record(kind="operator", note=f"{what}: {action.reason}", actor=f"operator:{action.operator_id}")

    def count(self, name: str, description: str, **attributes: str) -> None:
        # Replay-safe: the SDK drops metrics while replaying history.
        workflow.metric_meter().create_counter(name, description).add(1, attributes)

    def notify(self, event: Event, context: EventContext | None = None, n: int | str = 0) -> None:
        request = MessageRequest(
            order_id=self.order.order_id,
            event=event,
            key=f"{self.order.order_id}:{event.value}:{n}",
            customer=self.order.customer,
            context=context.as_dict() if context is not None else {},
            occurred_at=workflow.now(),
        )
        handle = workflow.start_activity(
            SEND_MESSAGE_ACTIVITY,
            request,
            task_queue=activity_options.queue_beside_orders(task_queues.MESSAGING),
            **activity_options.MESSAGING,
        )
        self.in_background(handle)

    def in_background(self, task: asyncio.Task[Any]) -> None:
        # Messages and store writes must not hold the order up; they are awaited (and their
        # failures logged) before it closes. A few dozen per order: no need to prune.
        self.background.append(task)

    async def drain_background(self) -> None:
        results = await asyncio.gather(*self.background, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                workflow.logger.warning("background activity failed: %s", result)

    # ----- time --------------------------------------------------------------------------------

    async def decision_clock(self) -> datetime:
        """The time to take a decision by: read once through a local activity and kept in history, because
        `workflow.now()` can read differently live and on a later replay (activities/clock.py says when)."""
        if not self.recorded_clock:
            return workflow.now()
        return await workflow.execute_local_activity(
            READ_CLOCK, workflow.now(), result_type=datetime, **activity_options.CLOCK
        )

    async def wait_until(self, condition: Any, at: datetime | None) -> bool:
        """Waits for `condition` until `at` (forever when None); False when time ran out first."""
        if at is None:
            await workflow.wait_condition(condition)
            return True
        timeout = (at - workflow.now()).total_seconds()
        if timeout <= 0 and not self.timer_even_if_late:
            return bool(condition())
        try:
            # A live worker's clock may lag the one a later replay sees (the large chaos run caught a worker that
            # came back after a kill a task behind): deciding "no timer needed" from the clock then replays as a
            # different command. A timer (a millisecond, when `at` has passed) is the same command either way.
            await workflow.wait_condition(condition, timeout=max(timeout, 0.001))
            return True
        except TimeoutError:
            return False
