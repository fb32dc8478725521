"""OrderWorkflow: one order from checkout to the customer's door (lifecycle in DESIGN.md).

The run method walks the phases (ident, dispatch, delivery attempts); updates and signals
change state and the run method or the handler itself moves the stage on. Every stage change
goes through `_enter`, which updates search attributes and records/announces it in the background.
"""

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    # pydantic's EmailStr imports email_validator lazily; load it outside the sandbox once.
    import email_validator  # noqa: F401

    from orderflow import search_attributes as sa
    from orderflow import task_queues
    from orderflow.commands import (
        CancelOrder,
        CancelResult,
        ChooseDoorstep,
        ClaimResult,
        ClaimVideoSession,
        CourierHandover,
        DeliveryFailed,
        HandoverResult,
        OrderStatus,
        PhotoSubmissionResult,
        RequestVideoIdent,
        StageChange,
        SubmitPhotos,
        VideoIdentResult,
        VideoSessionRef,
        VideoSessionStatus,
    )
    from orderflow.delivery_calendar import next_delivery_day
    from orderflow.messages import SEND_MESSAGE_ACTIVITY, Event, MessageRequest
    from orderflow.order import IdentMethod, OrderInput
    from orderflow.photo_ident import (
        PHOTO_IDENT_ACTIVITY,
        ExpectedIdentity,
        PhotoIdentInput,
        PhotoIdentResult,
        PhotoVerdict,
    )
    from orderflow.policy import OrderPolicy
    from orderflow.records import (
        CHECK_DELIVERY_CODE,
        ISSUE_DELIVERY_CODE,
        LOAD_ORDER_POLICY,
        RECORD_ORDER,
        RECORD_STAGE_CHANGE,
        CheckCode,
        CodeCheck,
        IssueCode,
        RecordOrder,
        RecordStageChange,
    )
    from orderflow.stages import BEFORE_DISPATCH, FINAL, DeliveryMode, IdentOutcome, NextAction, Stage
    from workflows import activity_options
    from workflows.order_state import DeliveryAttempt, VideoSession
    from workflows.refusals import refuse

MessageContext = dict[str, str | int | bool | list[str] | None]


@workflow.defn
class OrderWorkflow:
    @workflow.init
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
        self._photo_tries_used = 0
        self._video: VideoSession | None = None
        self._cancel_reason: str | None = None
        self._delivery_mode: DeliveryMode | None = None
        self._high_value = False
        self._attempt: DeliveryAttempt | None = None
        self._next_day_starts_at: datetime | None = None

    @workflow.run
    async def run(self, order: OrderInput) -> OrderStatus:
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
            ),
            **activity_options.STORE,
        )
        self._enter(
            Stage.RECEIVED,
            event=Event.ORDER_RECEIVED,
            context={
                "ident_method": order.ident_method.value,
                "ident_deadline": _iso(self._ident_deadline),
                "high_value": self._high_value,
            },
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
            self._enter(Stage.CANCELLED, event=Event.CANCELLED, note=self._cancel_reason)

        # Let handlers answer their callers and background writes land before the order closes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._drain_background()
        return self.status()

    # ----- online identification -------------------------------------------------------------

    async def _identify_online(self) -> None:
        assert self._ident_deadline is not None
        self._enter(Stage.AWAITING_IDENT)
        reminder_at: datetime | None = self._ident_deadline - self._policy.ident_reminder_before
        while self._ident_outcome == IdentOutcome.PENDING and self._cancel_reason is None:
            now = workflow.now()
            if reminder_at is not None and now >= reminder_at:
                reminder_at = None
                if self._photo_tries_used == 0 and self._stage == Stage.AWAITING_IDENT:
                    self._notify(Event.IDENT_REMINDER, {"ident_deadline": _iso(self._ident_deadline)})
            if self._video and self._video.state == "claimed" and now >= self._video_must_finish_by():
                self._video.state = "expired"
                self._record_decision(f"video session {self._video.session_id} ended without a verdict")
                self._after_ident_try_failed(why="video_expired")
            if now >= self._ident_deadline and self._stage in (Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT):
                # A running photo check or a call an agent already claimed may still finish.
                if self._video and self._video.state == "waiting":
                    self._video.state = "expired"
                self._decide_doorstep(why="deadline")
                continue

            wake_ups = [t for t in (reminder_at, self._ident_deadline) if t is not None and t > now]
            if self._video and self._video.state == "claimed":
                wake_ups.append(self._video_must_finish_by())
            seen = self._changes
            await self._wait_until(
                lambda seen=seen: self._changes != seen or self._cancel_reason is not None, min(wake_ups, default=None)
            )

    def _past_deadline(self) -> bool:
        return self._ident_deadline is not None and workflow.now() >= self._ident_deadline

    def _photo_tries_left(self) -> int:
        return max(0, self._policy.photo_tries - self._photo_tries_used)

    def _video_must_finish_by(self) -> datetime:
        assert self._video is not None and self._video.claimed_at is not None
        return self._video.claimed_at + self._policy.video_session_max

    def _after_ident_try_failed(
        self, why: str, event: Event | None = None, context: MessageContext | None = None
    ) -> None:
        """After a failed photo check or an expired call: try again if time and tries allow."""
        if self._past_deadline() or (why == "tries_used"):
            self._decide_doorstep(why="deadline" if self._past_deadline() else why)
        else:
            self._enter(Stage.AWAITING_IDENT, event=event, context=context, note=why, n=self._photo_tries_used)

    def _decide_identified(self, outcome: IdentOutcome, event: Event, context: MessageContext | None = None) -> None:
        self._ident_outcome = outcome
        self._enter(Stage.IDENTIFIED, event=event, context=context, note=outcome.value)

    def _decide_doorstep(
        self, why: str, event: Event = Event.DOORSTEP_FALLBACK, context: MessageContext | None = None
    ) -> None:
        self._ident_outcome = IdentOutcome.DOORSTEP
        self._enter(Stage.DOORSTEP_FALLBACK, event=event, context={"why": why, **(context or {})}, note=why)

    @workflow.update
    async def submit_photos(self, photos: SubmitPhotos) -> PhotoSubmissionResult:
        self._photo_tries_used += 1
        self._enter(Stage.PHOTO_CHECK, note=f"submission {self._photo_tries_used}")
        result = await self._check_photos(photos)
        self._record_decision(
            f"photo check {self._photo_tries_used}: {result.verdict.value} {' '.join(result.reasons)}"
        )
        if self._cancel_reason is not None:
            pass  # the run loop cancels the order; the verdict no longer matters
        elif result.verdict == PhotoVerdict.PASSED:
            self._decide_identified(IdentOutcome.PHOTO_PASSED, Event.PHOTO_IDENT_PASSED)
        elif result.verdict == PhotoVerdict.NEEDS_REVIEW and not self._past_deadline():
            # The machine could not decide: a human agent looks at it in a video call.
            self._open_video_session(note="photo check needs review")
        else:
            why = "photo_failed" if self._photo_tries_left() > 0 else "tries_used"
            context: MessageContext = {
                "reasons": result.reasons,
                "tries_left": self._photo_tries_left(),
                "next_actions": [action.value for action in self._ident_actions()],
            }
            self._after_ident_try_failed(why, event=Event.PHOTO_IDENT_FAILED, context=context)
        return PhotoSubmissionResult(
            verdict=result.verdict.value,
            reasons=result.reasons,
            tries_left=self._photo_tries_left(),
            stage=self._stage,
            next_actions=self._next_actions(),
        )

    async def _check_photos(self, photos: SubmitPhotos) -> PhotoIdentResult:
        customer = self._order.customer
        first_day = next_delivery_day(self._policy, workflow.now(), self._started_at)
        request = PhotoIdentInput(
            order_id=self._order.order_id,
            image_refs=[photos.front_ref, photos.back_ref, photos.portrait_ref],
            expected=ExpectedIdentity(
                first_name=customer.first_name, last_name=customer.last_name, date_of_birth=customer.date_of_birth
            ),
            valid_on=first_day.local_date,
        )
        try:
            return await workflow.execute_activity(
                PHOTO_IDENT_ACTIVITY,
                request,
                task_queue=task_queues.sibling(workflow.info().task_queue, task_queues.VISION),
                result_type=PhotoIdentResult,
                **activity_options.PHOTO_IDENT,
            )
        except ActivityError as error:
            # The check itself broke, not the customer's photos: this submission does not count.
            workflow.logger.warning("photo check unavailable: %s", error.cause)
            self._photo_tries_used -= 1
            return PhotoIdentResult(verdict=PhotoVerdict.FAILED, reasons=["CHECK_UNAVAILABLE"], retry_possible=True)

    @submit_photos.validator
    def _validate_submit_photos(self, photos: SubmitPhotos) -> None:
        self._require_stage({Stage.AWAITING_IDENT}, "photos are taken only while the order waits for identification")
        if self._past_deadline():
            refuse("ident_deadline_passed", "the time for online identification is over; the courier checks the ID")
        if self._photo_tries_left() == 0:
            refuse("no_tries_left", "all photo submissions are used; a video call or the doorstep check remain")

    @workflow.update
    async def request_video_ident(self, request: RequestVideoIdent) -> VideoSessionRef:
        return VideoSessionRef(session_id=self._open_video_session(note="customer asked for a video call"))

    @request_video_ident.validator
    def _validate_request_video_ident(self, request: RequestVideoIdent) -> None:
        self._require_stage(
            {Stage.AWAITING_IDENT}, "a video call can be booked while the order waits for identification"
        )
        if self._past_deadline():
            refuse("ident_deadline_passed", "the time for online identification is over; the courier checks the ID")

    def _open_video_session(self, note: str) -> str:
        session_id = str(workflow.uuid4())
        self._video = VideoSession(session_id=session_id, requested_at=workflow.now())
        self._enter(
            Stage.AWAITING_VIDEO_AGENT,
            event=Event.VIDEO_CALL_BOOKED,
            context={"session_id": session_id},
            note=note,
            n=self._photo_tries_used,
        )
        return session_id

    @workflow.update
    async def claim_video_session(self, claim: ClaimVideoSession) -> ClaimResult:
        assert self._video is not None
        self._video.state = "claimed"
        self._video.agent_id = claim.agent_id
        self._video.claimed_at = workflow.now()
        self._enter(Stage.VIDEO_IN_PROGRESS, note=f"claimed by agent {claim.agent_id}")
        customer = self._order.customer
        return ClaimResult(
            accepted=True,
            session_id=claim.session_id,
            order_id=self._order.order_id,
            first_name=customer.first_name,
            last_name=customer.last_name,
            date_of_birth=customer.date_of_birth.isoformat(),
            must_finish_by=self._video_must_finish_by(),
        )

    @claim_video_session.validator
    def _validate_claim_video_session(self, claim: ClaimVideoSession) -> None:
        if self._video is None or self._video.session_id != claim.session_id:
            refuse("unknown_session", "this order has no such video session")
        if self._video.state != "waiting" or self._stage != Stage.AWAITING_VIDEO_AGENT:
            refuse("session_not_waiting", f"the video session is {self._video.state}, not waiting")
        if self._past_deadline():
            refuse("ident_deadline_passed", "the customer's ident deadline passed before the call was claimed")
        if not claim.agent_id:
            refuse("agent_required", "an agent id is required")

    @workflow.signal
    def video_ident_result(self, result: VideoIdentResult) -> None:
        video = self._video
        if (
            video is None
            or video.session_id != result.session_id
            or video.state != "claimed"
            or video.agent_id != result.agent_id
            or self._stage != Stage.VIDEO_IN_PROGRESS
        ):
            # Signals cannot be refused; an unknown, foreign or late verdict is ignored without harm.
            workflow.logger.warning("ignored video_ident_result for session %s", result.session_id)
            return
        video.state = result.verdict
        self._record_decision(f"video verdict {result.verdict}: {result.reason}", actor=f"agent:{result.agent_id}")
        context: MessageContext = {"verdict": result.verdict, "reason": result.reason}
        if result.verdict == "approved":
            self._decide_identified(IdentOutcome.VIDEO_APPROVED, Event.VIDEO_IDENT_RESULT, context)
        else:
            self._decide_doorstep("video_rejected", event=Event.VIDEO_IDENT_RESULT, context=context)

    @workflow.update
    async def choose_doorstep(self, choice: ChooseDoorstep) -> OrderStatus:
        if self._video is not None and self._video.state == "waiting":
            self._video.state = "withdrawn"
        self._decide_doorstep(why="customer_choice")
        return self.status()

    @choose_doorstep.validator
    def _validate_choose_doorstep(self, choice: ChooseDoorstep) -> None:
        self._require_stage(
            {Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT},
            "the doorstep check can be chosen while identification is open",
        )

    # ----- dispatch and delivery ---------------------------------------------------------------

    async def _deliver(self) -> None:
        online_or_none = (IdentOutcome.PHOTO_PASSED, IdentOutcome.VIDEO_APPROVED, IdentOutcome.NOT_REQUIRED)
        self._delivery_mode = (
            DeliveryMode.ANYONE_AT_ADDRESS if self._ident_outcome in online_or_none else DeliveryMode.RECIPIENT_WITH_ID
        )
        self._enter(Stage.AWAITING_DISPATCH, note=self._delivery_mode.value)
        # Hand-over to the carrier happens now (no warehouse integration yet); cancelling closes here.
        if self._cancel_reason is not None:
            return
        day = next_delivery_day(self._policy, workflow.now(), self._started_at)
        self._next_day_starts_at = day.starts_at
        self._enter(
            Stage.DISPATCHED,
            event=Event.PARCEL_DISPATCHED,
            context={
                "delivery_mode": self._delivery_mode.value,
                "high_value": self._high_value,
                "first_delivery_day": _iso(day.starts_at),
            },
        )
        for number in range(1, self._policy.delivery_attempts + 1):
            await workflow.sleep(max(timedelta(0), day.starts_at - workflow.now()))
            attempt = DeliveryAttempt(number=number, day=day, code_required=self._high_value)
            if attempt.code_required:
                # The activity keeps the code; only its validity comes back into history.
                await workflow.execute_activity(
                    ISSUE_DELIVERY_CODE,
                    IssueCode(order_id=self._order.order_id, attempt=number, valid_until=day.ends_at),
                    **activity_options.STORE,
                )
            self._attempt = attempt
            self._next_day_starts_at = None
            self._enter(
                Stage.OUT_FOR_DELIVERY,
                event=Event.DELIVERY_CODE if attempt.code_required else None,
                context={
                    "attempt": number,
                    "valid_until": _iso(day.ends_at),
                    "delivery_mode": self._delivery_mode.value,
                },
                note=f"attempt {number}",
                n=number,
            )
            await self._wait_until(lambda attempt=attempt: attempt.outcome is not None, day.ends_at)
            if attempt.outcome is None:
                attempt.outcome = "end_of_day"
            if attempt.outcome == "delivered":
                self._enter(
                    Stage.DELIVERED, event=Event.DELIVERED, context={"attempt": number}, note=f"attempt {number}"
                )
                return
            attempts_left = self._policy.delivery_attempts - number
            day = next_delivery_day(self._policy, day.starts_at, self._started_at)
            if attempts_left:
                self._next_day_starts_at = day.starts_at
                self._enter(
                    Stage.DISPATCHED,
                    event=Event.ATTEMPT_FAILED,
                    context={
                        "attempt": number,
                        "reason": attempt.outcome,
                        "next_attempt_on": _iso(day.starts_at),
                        "attempts_left": attempts_left,
                    },
                    note=f"attempt {number}: {attempt.outcome}",
                    n=number,
                )
        self._enter(Stage.RETURNED, event=Event.RETURNED, note=f"{self._policy.delivery_attempts} attempts failed")

    @workflow.update
    async def courier_handover(self, handover: CourierHandover) -> HandoverResult:
        attempt = self._attempt
        assert attempt is not None
        tries = self._policy.code_tries
        if attempt.code_required:
            assert handover.code is not None
            check = await workflow.execute_activity(
                CHECK_DELIVERY_CODE,
                CheckCode(order_id=self._order.order_id, attempt=attempt.number, code=handover.code),
                result_type=CodeCheck,
                **activity_options.STORE,
            )
            # This await yields: the day may have ended or another entry may have decided meanwhile.
            if attempt.outcome is not None:
                return HandoverResult(accepted=attempt.outcome == "delivered", reason=attempt.outcome, tries_left=0)
            if not check.matches:
                attempt.wrong_codes += 1
                self._record_decision(f"attempt {attempt.number}: wrong code ({attempt.wrong_codes} of {tries})")
                if attempt.wrong_codes >= tries:
                    attempt.outcome = "code_locked"
                    return HandoverResult(accepted=False, reason="code_locked", tries_left=0)
                return HandoverResult(accepted=False, reason="wrong_code", tries_left=tries - attempt.wrong_codes)
        attempt.outcome = "delivered"
        note = "ID of the recipient checked" if handover.id_checked else "handed over"
        self._record_decision(f"attempt {attempt.number}: {note}")
        return HandoverResult(accepted=True, reason="delivered", tries_left=tries - attempt.wrong_codes)

    @courier_handover.validator
    def _validate_courier_handover(self, handover: CourierHandover) -> None:
        attempt = self._attempt
        if self._stage != Stage.OUT_FOR_DELIVERY or attempt is None or attempt.outcome is not None:
            refuse("not_out_for_delivery", "the parcel is not out for delivery right now")
        if handover.attempt != attempt.number:
            refuse("wrong_attempt", f"attempt {attempt.number} is under way, not {handover.attempt}")
        if self._delivery_mode == DeliveryMode.RECIPIENT_WITH_ID and not handover.id_checked:
            refuse("id_check_required", "hand over only to the named recipient after checking their ID (id_checked)")
        if attempt.code_required and not (handover.code and handover.code.isdigit() and len(handover.code) == 6):
            refuse("code_required", "this parcel needs the customer's 6-digit delivery code")

    @workflow.signal
    def delivery_failed(self, failure: DeliveryFailed) -> None:
        attempt = self._attempt
        if attempt is None or attempt.number != failure.attempt or attempt.outcome is not None:
            workflow.logger.warning("ignored delivery_failed for attempt %s", failure.attempt)
            return
        attempt.outcome = f"failed: {failure.reason or 'not delivered'}"

    # ----- cancel ------------------------------------------------------------------------------

    @workflow.update
    async def cancel(self, request: CancelOrder) -> CancelResult:
        self._cancel_reason = request.reason or "cancelled by the shop"
        await workflow.wait_condition(lambda: self._stage in FINAL)
        return CancelResult(cancelled=self._stage == Stage.CANCELLED, stage=self._stage)

    @cancel.validator
    def _validate_cancel(self, request: CancelOrder) -> None:
        if self._cancel_reason is not None:
            refuse("already_cancelling", "the order is being cancelled already")
        self._require_stage(BEFORE_DISPATCH, "the parcel has left the warehouse and can no longer be cancelled")

    # ----- status ------------------------------------------------------------------------------

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
            attempt_locked=bool(attempt and attempt.outcome == "code_locked"),
            next_delivery_day=self._next_day_starts_at,
            next_actions=self._next_actions(),
            cancel_reason=self._cancel_reason,
            timeline=list(self._timeline),
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

    # ----- plumbing ----------------------------------------------------------------------------

    def _require_stage(self, allowed: set[Stage] | frozenset[Stage], message: str) -> None:
        if self._cancel_reason is not None:
            refuse("order_cancelled", "the order is cancelled")
        if self._stage not in allowed:
            refuse("wrong_stage", f"{message} (order is {self._stage.value})")

    def _enter(
        self,
        stage: Stage,
        event: Event | None = None,
        context: MessageContext | None = None,
        note: str = "",
        n: int = 0,
    ) -> None:
        now = workflow.now()
        self._timeline.append(StageChange(stage=stage, at=now, note=note))
        self._stage = stage
        self._stage_entered_at = now
        self._changes += 1
        self._upsert_search_attributes()
        self._record(kind="stage", note=note)
        if event is not None:
            self._notify(event, context or {}, n)

    def _upsert_search_attributes(self) -> None:
        updates = [
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
        self._in_background(workflow.start_activity(RECORD_STAGE_CHANGE, record, **activity_options.STORE))

    def _record_decision(self, note: str, actor: str = "workflow") -> None:
        self._record(kind="decision", note=note, actor=actor)

    def _notify(self, event: Event, context: MessageContext, n: int = 0) -> None:
        request = MessageRequest(
            order_id=self._order.order_id,
            event=event,
            key=f"{self._order.order_id}:{event.value}:{n}",
            customer=self._order.customer,
            context=context,
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
        # Messages and audit rows must not hold the order up; they are awaited before it closes.
        self._background = [t for t in self._background if not t.done()]
        self._background.append(task)

    async def _drain_background(self) -> None:
        results = await asyncio.gather(*self._background, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                workflow.logger.warning("background activity failed: %s", result)

    async def _wait_until(self, condition: Any, at: datetime | None) -> bool:
        """Waits for `condition` until `at` (forever when None); False when time ran out first."""
        if at is None:
            await workflow.wait_condition(condition)
            return True
        timeout = (at - workflow.now()).total_seconds()
        if timeout <= 0:
            return bool(condition())
        try:
            await workflow.wait_condition(condition, timeout=timeout)
            return True
        except TimeoutError:
            return False


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
