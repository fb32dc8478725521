"""What every phase of the order workflow shares: its state, stage changes (search attributes,
audit record and customer message, the latter two in the background) and the status query."""

import asyncio
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from orderflow.contract import search_attributes as sa
    from orderflow.contract import task_queues
    from orderflow.contract.commands import (
        OperatorAction,
        OrderStatus,
        StageChange,
        VideoSessionStatus,
    )
    from orderflow.contract.guards import wrong_stage
    from orderflow.contract.message_context import EventContext
    from orderflow.contract.messages import Event, MessageRequest
    from orderflow.contract.names import DELETE_ID_IMAGES, READ_CLOCK, RECORD_STAGE_CHANGE, SEND_MESSAGE_ACTIVITY
    from orderflow.contract.order import IdentMethod, OrderInput
    from orderflow.contract.outcomes import AttemptOutcome
    from orderflow.contract.policy import OrderPolicy
    from orderflow.contract.records import DeleteIdImages, RecordStageChange
    from orderflow.contract.stages import FINAL, DeliveryMode, IdentOutcome, NextAction, Stage
    from orderflow.contract.webhook_events import OrderEvent, webhook_event_type
    from workflows import activity_options
    from workflows.current_details import describe_wait
    from workflows.order_state import DeliveryAttempt, VideoSession
    from workflows.patches import WEBHOOK_EVENTS
    from workflows.refusals import refuse, refuse_if
    from workflows.webhook_publishing import publish_order_event


class OrderBase:
    def __init__(self, order: OrderInput) -> None:
        self._order = order
        self._policy = order.policy or OrderPolicy()  # replaced by the recorded settings in run()
        self._started_at = workflow.now()
        self._stage = Stage.RECEIVED
        self._stage_entered_at = self._started_at
        self._timeline: list[StageChange] = []
        self._changes = 0  # bumped at every stage change; the run loop wakes on it
        self._audit_seq = 0
        self._background: list[asyncio.Task[Any]] = []
        self._ident_outcome = IdentOutcome.PENDING
        self._ident_deadline: datetime | None = None
        self._photo_tries_used = 0  # given back when the check itself broke
        self._photo_submissions = 0  # every submission: store records and message keys
        self._video_sessions_opened = 0
        self._store_revision = 0
        self._video: VideoSession | None = None
        self._cancel_reason: str | None = None
        self._delivery_mode: DeliveryMode | None = None
        self._high_value = False
        self._attempt: DeliveryAttempt | None = None
        self._next_day_starts_at: datetime | None = None
        self._reopen_requested = False
        self._links_resent = 0
        self._failed_attempt_reports = 0
        self._rescheduled_days = 0  # delivery days lost to our downtime (message keys)
        self._outage_told = False  # the customer heard once that the photo check is down
        # The frame of a passed liveness check: the photo check compares the ID with it instead of an upload.
        self._live_portrait_ref: str | None = None
        self._late_days_by_policy = False  # set at the start of run(), like the next one
        self._timer_even_if_late = False  # set at the start of run(): orders that began before replay without it
        self._recorded_clock = False  # set at the start of run(), like the two above
        self._webhook_events = 0  # 1, 2, 3 ... per order: endpoints' queues deliver in this order

    @workflow.query
    def status(self) -> OrderStatus:
        attempt = self._attempt
        video = self._video
        return OrderStatus(
            order_id=self._order.order_id,
            customer_no=self._order.customer.customer_no,
            stage=self._stage,
            stage_entered_at=self._stage_entered_at,
            ident_method=self._order.ident_method,
            ident_outcome=self._ident_outcome,
            ident_deadline=self._ident_deadline,
            photo_tries_left=self._photo_tries_left(),
            video_session=None
            if video is None
            else VideoSessionStatus(
                session_id=video.session_id,
                state=video.state,
                agent_id=video.agent_id,
                requested_at=video.requested_at,
                claimed_at=video.claimed_at,
            ),
            delivery_mode=self._delivery_mode,
            high_value=self._high_value,
            attempt=attempt.number if attempt else 0,
            max_attempts=self._policy.delivery_attempts,
            code_required=bool(attempt and attempt.code_required and attempt.outcome is None),
            code_valid_until=attempt.day.ends_at
            if attempt and attempt.code_required and attempt.outcome is None
            else None,
            attempt_locked=bool(attempt and attempt.outcome == AttemptOutcome.CODE_LOCKED),
            next_delivery_day=self._next_day_starts_at,
            next_actions=self._next_actions(),
            cancel_reason=self._cancel_reason,
            timeline=list(self._timeline),
            locale=self._order.customer.locale,
        )

    def _next_actions(self) -> list[NextAction]:
        if self._stage == Stage.AWAITING_IDENT:
            return self._ident_actions()
        if self._stage == Stage.AWAITING_VIDEO_AGENT:
            return [NextAction.WAIT_FOR_AGENT, NextAction.DOORSTEP]
        if self._stage == Stage.VIDEO_IN_PROGRESS:
            return [NextAction.JOIN_VIDEO_CALL]
        if self._stage in (Stage.PHOTO_CHECK, Stage.CANCELLED):
            return []
        return [NextAction.TRACK_PARCEL]

    def _ident_actions(self) -> list[NextAction]:
        retake = [NextAction.RETAKE_PHOTOS] if self._photo_tries_left() else []
        return [*retake, NextAction.VIDEO_CALL, NextAction.DOORSTEP]

    def _photo_tries_left(self) -> int:
        return max(0, self._policy.photo_tries - self._photo_tries_used)

    # ----- plumbing ----------------------------------------------------------------------------

    def _require_not_cancelled(self) -> None:
        if self._cancel_reason is not None:
            refuse("order_cancelled", "the order is cancelled")

    def _require_stage(self, allowed: set[Stage] | frozenset[Stage], message: str) -> None:
        self._require_not_cancelled()
        if self._stage not in allowed:
            refuse_if(wrong_stage(message, self._stage))

    def _enter(
        self,
        stage: Stage,
        event: Event | None = None,
        context: EventContext | None = None,
        note: str = "",
        n: int | str = 0,
    ) -> None:
        now = workflow.now()
        self._timeline.append(StageChange(stage=stage, at=now, note=note))
        self._stage = stage
        self._stage_entered_at = now
        self._changes += 1
        self._upsert_search_attributes()
        workflow.set_current_details(describe_wait(self.status()))
        if stage in FINAL:
            self._count("orderflow_orders_finished", "Orders that reached a final stage", stage=stage.value)
        self._record(kind="stage", note=note)
        if event is not None:
            self._notify(event, context, n)
        webhook = webhook_event_type(stage, event)
        if webhook is not None and workflow.patched(WEBHOOK_EVENTS):
            self._webhook_events += 1
            # Started right here, like the e-mail: a command issued by a task that waits for another task's
            # completion lands in a different place when live jobs and replayed jobs are ordered differently.
            publish = publish_order_event(
                OrderEvent(
                    order_id=self._order.order_id,
                    customer_no=self._order.customer.customer_no,
                    type=webhook,
                    stage=stage.value,
                    sequence=self._webhook_events,
                    occurred_at=now,
                    ident_outcome=self._ident_outcome.value,
                    attempt=self._attempt.number if self._attempt else 0,
                ),
            )
            self._in_background(publish)

    def _upsert_search_attributes(self) -> None:
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.ORDER_STAGE.value_set(self._stage.value),
            sa.IDENT_METHOD.value_set(self._order.ident_method.value),
            sa.IDENT_OUTCOME.value_set(self._ident_outcome.value),
            sa.DELIVERY_ATTEMPT.value_set(self._attempt.number if self._attempt else 0),
            sa.HIGH_VALUE.value_set(self._high_value),
            sa.STAGE_ENTERED_AT.value_set(self._stage_entered_at),
            sa.CUSTOMER_NO.value_set(self._order.customer.customer_no),
        ]
        if self._ident_deadline is not None:
            updates.append(sa.IDENT_DEADLINE.value_set(self._ident_deadline))
        workflow.upsert_search_attributes(updates)

    def _record(self, kind: str, note: str = "", actor: str = "workflow") -> None:
        self._audit_seq += 1
        record = RecordStageChange(
            order_id=self._order.order_id,
            seq=self._audit_seq,
            stage=self._stage.value,
            note=note,
            actor=actor,
            kind=kind,
            at=workflow.now(),
        )
        self._store(RECORD_STAGE_CHANGE, record)

    def _store(self, activity_name: str, record: Any) -> None:
        self._in_background(workflow.start_activity(activity_name, record, **activity_options.STORE))

    def _delete_id_images(self, reason: str) -> None:
        # The ident decision is final: the photos have done their job (DESIGN.md, data rules).
        if self._order.ident_method == IdentMethod.ONLINE:
            self._store(DELETE_ID_IMAGES, DeleteIdImages(order_id=self._order.order_id, reason=reason))

    def _record_decision(self, note: str, actor: str = "workflow") -> None:
        self._record(kind="decision", note=note, actor=actor)

    def _record_operator_action(self, action: OperatorAction, what: str) -> None:
        self._record(kind="operator", note=f"{what}: {action.reason}", actor=f"operator:{action.operator_id}")

    def _count(self, name: str, description: str, **attributes: str) -> None:
        # Replay-safe: the SDK drops metrics while replaying history.
        workflow.metric_meter().create_counter(name, description).add(1, attributes)

    def _notify(self, event: Event, context: EventContext | None = None, n: int | str = 0) -> None:
        request = MessageRequest(
            order_id=self._order.order_id,
            event=event,
            key=f"{self._order.order_id}:{event.value}:{n}",
            customer=self._order.customer,
            context=context.as_dict() if context is not None else {},
            occurred_at=workflow.now(),
        )
        handle = workflow.start_activity(
            SEND_MESSAGE_ACTIVITY,
            request,
            task_queue=task_queues.sibling(workflow.info().task_queue, task_queues.MESSAGING),
            **activity_options.MESSAGING,
        )
        self._in_background(handle)

    def _in_background(self, task: asyncio.Task[Any]) -> None:
        # Messages and store writes must not hold the order up; they are awaited (and their
        # failures logged) before it closes. A few dozen per order: no need to prune.
        self._background.append(task)

    async def _drain_background(self) -> None:
        results = await asyncio.gather(*self._background, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                workflow.logger.warning("background activity failed: %s", result)

    async def _decision_clock(self) -> datetime:
        """The time to take a decision by: read once through a local activity and kept in history, because
        `workflow.now()` can read differently live and on a later replay (activities/clock.py says when)."""
        if not self._recorded_clock:
            return workflow.now()
        return await workflow.execute_local_activity(
            READ_CLOCK, workflow.now(), result_type=datetime, **activity_options.CLOCK
        )

    async def _wait_until(self, condition: Any, at: datetime | None) -> bool:
        """Waits for `condition` until `at` (forever when None); False when time ran out first."""
        if at is None:
            await workflow.wait_condition(condition)
            return True
        timeout = (at - workflow.now()).total_seconds()
        if timeout <= 0 and not self._timer_even_if_late:
            return bool(condition())
        try:
            # A live worker's clock may lag the one a later replay sees (the large chaos run caught a worker that
            # came back after a kill a task behind): deciding "no timer needed" from the clock then replays as a
            # different command. A timer (a millisecond, when `at` has passed) is the same command either way.
            await workflow.wait_condition(condition, timeout=max(timeout, 0.001))
            return True
        except TimeoutError:
            return False
