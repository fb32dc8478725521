"""Online identification: photo checks, video calls with an agent, the deadline, the doorstep choice."""

from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from orderflow.contract import task_queues
    from orderflow.contract.commands import (
        ChooseDoorstep,
        ClaimResult,
        ClaimVideoSession,
        OperatorAction,
        OperatorActionResult,
        OrderStatus,
        PhotoSubmissionResult,
        RequestVideoIdent,
        SubmitPhotos,
        VideoIdentResult,
        VideoSessionRef,
    )
    from orderflow.contract.delivery_calendar import next_delivery_day
    from orderflow.contract.guards import (
        IDENT_DEADLINE_PASSED,
        photo_submission_refusal,
        refs_of_order,
        video_verdict_refusal,
    )
    from orderflow.contract.message_context import (
        DoorstepFallback,
        EventContext,
        IdentReminder,
        PhotoCheckUnavailable,
        PhotoIdentFailed,
        VideoCallBooked,
    )
    from orderflow.contract.message_context import VideoIdentResult as VideoIdentResultContext
    from orderflow.contract.messages import Event
    from orderflow.contract.names import PHOTO_IDENT_ACTIVITY, RECORD_PHOTO_CHECK, RECORD_VIDEO_SESSION
    from orderflow.contract.outcomes import VIDEO_SESSION_DECIDED, VideoSessionState
    from orderflow.contract.photo_ident import (
        CHECK_UNAVAILABLE,
        LIVENESS_MISSING,
        ExpectedIdentity,
        PhotoIdentInput,
        PhotoIdentResult,
        PhotoVerdict,
    )
    from orderflow.contract.records import RecordPhotoCheck, RecordVideoSession
    from orderflow.contract.stages import IdentOutcome, Stage
    from workflows import activity_options
    from workflows.order_base import OrderBase
    from workflows.order_state import VideoSession
    from workflows.patches import CHECK_UNAVAILABLE_SAID_ONCE, HIGH_VALUE_NEEDS_LIVENESS
    from workflows.refusals import refuse, refuse_if


class OnlineIdent(OrderBase):
    async def _identify_online(self) -> None:
        assert self._ident_deadline is not None
        self._enter(Stage.AWAITING_IDENT)
        reminder_at: datetime | None = self._ident_deadline - self._policy.ident_reminder_before
        while self._ident_open():
            now = await self._decision_clock()
            if not self._ident_open():  # decided while the clock was read
                break
            if reminder_at is not None and now >= reminder_at:
                reminder_at = None
                if self._photo_submissions == 0 and self._stage == Stage.AWAITING_IDENT:
                    self._notify(Event.IDENT_REMINDER, IdentReminder(ident_deadline=self._ident_deadline))
            if self._video and self._video.state == VideoSessionState.CLAIMED and now >= self._video_must_finish_by():
                self._set_video_state(VideoSessionState.EXPIRED)
                self._record_decision(f"video session {self._video.session_id} ended without a verdict")
                self._after_ident_try_failed(why="video_expired", now=now)
            if now >= self._ident_deadline and self._stage in (Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT):
                # A running photo check or a call an agent already claimed may still finish.
                if self._video and self._video.state == VideoSessionState.WAITING:
                    self._set_video_state(VideoSessionState.EXPIRED)
                self._decide_doorstep(why="deadline")
                continue

            wake_ups = [t for t in (reminder_at, self._ident_deadline) if t is not None and t > now]
            if self._video and self._video.state == VideoSessionState.CLAIMED:
                wake_ups.append(self._video_must_finish_by())
            seen = self._changes
            await self._wait_until(
                lambda seen=seen: self._changes != seen or self._cancel_reason is not None, min(wake_ups, default=None)
            )

    def _ident_open(self) -> bool:
        return self._ident_outcome == IdentOutcome.PENDING and self._cancel_reason is None

    def _past_deadline(self, now: datetime | None = None) -> bool:
        """Validators ask with the workflow's clock; decisions pass the recorded one (`_decision_clock`)."""
        return self._ident_deadline is not None and (now or workflow.now()) >= self._ident_deadline

    def _video_must_finish_by(self) -> datetime:
        assert self._video is not None and self._video.claimed_at is not None
        return self._video.claimed_at + self._policy.video_session_max

    def _after_ident_try_failed(
        self, why: str, now: datetime, event: Event | None = None, context: EventContext | None = None
    ) -> None:
        """After a failed photo check or an expired call: try again if time and tries allow."""
        if self._past_deadline(now) or (why == "tries_used"):
            self._decide_doorstep(why="deadline" if self._past_deadline(now) else why)
        else:
            self._enter(Stage.AWAITING_IDENT, event=event, context=context, note=why, n=self._photo_submissions)

    def _decide_identified(self, outcome: IdentOutcome, event: Event, context: EventContext | None = None) -> None:
        self._ident_outcome = outcome
        self._count("orderflow_ident_outcomes", "Final outcomes of online identification", outcome=outcome.value)
        self._delete_id_images(outcome.value)
        self._enter(Stage.IDENTIFIED, event=event, context=context, note=outcome.value)

    def _decide_doorstep(
        self, why: str, event: Event = Event.DOORSTEP_FALLBACK, context: VideoIdentResultContext | None = None
    ) -> None:
        self._ident_outcome = IdentOutcome.DOORSTEP
        self._count("orderflow_ident_outcomes", "Final outcomes of online identification", outcome=f"doorstep:{why}")
        self._delete_id_images(f"doorstep: {why}")
        # The e-mail says why, whichever event tells the customer (a rejected call's verdict says it too).
        said = DoorstepFallback(why=why) if context is None else context.model_copy(update={"why": why})
        self._enter(Stage.DOORSTEP_FALLBACK, event=event, context=said, note=why)

    @workflow.update
    async def submit_photos(self, photos: SubmitPhotos) -> PhotoSubmissionResult:
        self._photo_tries_used += 1
        self._photo_submissions += 1
        self._enter(Stage.PHOTO_CHECK, note=f"submission {self._photo_submissions}")
        result = await self._check_photos(photos)
        now = await self._decision_clock()
        if (
            result.verdict == PhotoVerdict.PASSED
            and self._high_value
            and self._live_portrait_ref is None
            and workflow.patched(HIGH_VALUE_NEEDS_LIVENESS)
        ):
            # An uploaded portrait may be a photo of a photo: without a passed camera check a human decides.
            result = result.model_copy(
                update={"verdict": PhotoVerdict.NEEDS_REVIEW, "reasons": [*result.reasons, LIVENESS_MISSING]}
            )
        self._record_decision(
            f"photo check {self._photo_submissions}: {result.verdict.value} {' '.join(result.reasons)}"
        )
        self._store(
            RECORD_PHOTO_CHECK,
            RecordPhotoCheck(
                order_id=self._order.order_id,
                submission=self._photo_submissions,
                verdict=result.verdict.value,
                reasons=result.reasons,
                images=result.images,
                document_type=result.document_type,
                face_distance=result.face_distance,
                face_threshold=result.face_threshold,
                at=workflow.now(),
            ),
        )
        if self._cancel_reason is not None:
            pass  # the run loop cancels the order; the verdict no longer matters
        elif result.verdict == PhotoVerdict.PASSED:
            self._decide_identified(IdentOutcome.PHOTO_PASSED, Event.PHOTO_IDENT_PASSED)
        elif result.verdict == PhotoVerdict.NEEDS_REVIEW and not self._past_deadline(now):
            # The machine could not decide: a human agent looks at it in a video call.
            self._open_video_session(note="photo check needs review")
        elif result.reasons == [CHECK_UNAVAILABLE] and workflow.patched(CHECK_UNAVAILABLE_SAID_ONCE):
            # Our outage: the customer's photos may be fine. Said once, in words that blame no one.
            event = None if self._outage_told else Event.PHOTO_CHECK_UNAVAILABLE
            self._outage_told = True
            unavailable = PhotoCheckUnavailable(next_actions=self._ident_actions())
            self._after_ident_try_failed(CHECK_UNAVAILABLE.lower(), now, event=event, context=unavailable)
        else:
            why = "photo_failed" if self._photo_tries_left() > 0 else "tries_used"
            failed = PhotoIdentFailed(
                reasons=result.reasons, tries_left=self._photo_tries_left(), next_actions=self._ident_actions()
            )
            self._after_ident_try_failed(why, now, event=Event.PHOTO_IDENT_FAILED, context=failed)
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
            # A live frame beats an upload: someone who passed the camera check cannot send another face.
            image_refs=[photos.front_ref, photos.back_ref, self._live_portrait_ref or photos.portrait_ref],
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
            return PhotoIdentResult(verdict=PhotoVerdict.FAILED, reasons=[CHECK_UNAVAILABLE], retry_possible=True)

    @submit_photos.validator
    def _validate_submit_photos(self, photos: SubmitPhotos) -> None:
        self._require_not_cancelled()
        refuse_if(photo_submission_refusal(self._stage, self._photo_tries_left(), self._past_deadline()))
        if not refs_of_order(self._order.order_id, (photos.front_ref, photos.back_ref, photos.portrait_ref)):
            refuse("foreign_photos", "photo references must be images uploaded for this order")

    @workflow.update
    async def request_video_ident(self, request: RequestVideoIdent) -> VideoSessionRef:
        return VideoSessionRef(session_id=self._open_video_session(note="customer asked for a video call"))

    @request_video_ident.validator
    def _validate_request_video_ident(self, request: RequestVideoIdent) -> None:
        self._require_stage(
            {Stage.AWAITING_IDENT}, "a video call can be booked while the order waits for identification"
        )
        if self._past_deadline():
            refuse_if(IDENT_DEADLINE_PASSED)

    def _open_video_session(self, note: str) -> str:
        session_id = str(workflow.uuid4())
        self._video = VideoSession(session_id=session_id, requested_at=workflow.now())
        self._video_sessions_opened += 1
        self._set_video_state(VideoSessionState.WAITING)
        self._enter(
            Stage.AWAITING_VIDEO_AGENT,
            event=Event.VIDEO_CALL_BOOKED,
            context=VideoCallBooked(session_id=session_id),
            note=note,
            n=self._video_sessions_opened,
        )
        return session_id

    def _set_video_state(self, state: VideoSessionState, reason: str = "") -> None:
        video = self._video
        assert video is not None
        video.state = state
        decided = state in VIDEO_SESSION_DECIDED
        self._store(
            RECORD_VIDEO_SESSION,
            RecordVideoSession(
                order_id=self._order.order_id,
                session_id=video.session_id,
                state=state,
                agent_id=video.agent_id,
                requested_at=video.requested_at,
                claimed_at=video.claimed_at,
                decided_at=workflow.now() if decided else None,
                reason=reason,
            ),
        )

    @workflow.update
    async def claim_video_session(self, claim: ClaimVideoSession) -> ClaimResult:
        assert self._video is not None
        self._video.agent_id = claim.agent_id
        self._video.claimed_at = workflow.now()
        self._set_video_state(VideoSessionState.CLAIMED)
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
        if self._video.state != VideoSessionState.WAITING or self._stage != Stage.AWAITING_VIDEO_AGENT:
            refuse("session_not_waiting", f"the video session is {self._video.state}, not waiting")
        if self._past_deadline():
            refuse("ident_deadline_passed", "the customer's ident deadline passed before the call was claimed")
        if not claim.agent_id:
            refuse("agent_required", "an agent id is required")

    @workflow.signal
    def video_ident_result(self, result: VideoIdentResult) -> None:
        if video_verdict_refusal(self._video, self._stage, result.session_id, result.agent_id) is not None:
            # Signals cannot be refused; an unknown, foreign or late verdict is ignored without harm.
            workflow.logger.warning("ignored video_ident_result for session %s", result.session_id)
            return
        self._set_video_state(VideoSessionState(result.verdict), reason=result.reason)
        code = f" ({result.reason_code.value})" if result.reason_code else ""
        self._record_decision(
            f"video verdict {result.verdict}{code}: {result.reason}", actor=f"agent:{result.agent_id}"
        )
        # The agent's note stays in the audit trail: the customer's e-mail explains the code in fixed words.
        context = VideoIdentResultContext(verdict=result.verdict, reason_code=result.reason_code)
        if result.verdict == VideoSessionState.APPROVED:
            self._decide_identified(IdentOutcome.VIDEO_APPROVED, Event.VIDEO_IDENT_RESULT, context)
        else:
            self._decide_doorstep("video_rejected", event=Event.VIDEO_IDENT_RESULT, context=context)

    @workflow.update
    async def choose_doorstep(self, choice: ChooseDoorstep) -> OrderStatus:
        if self._video is not None and self._video.state == VideoSessionState.WAITING:
            self._set_video_state(VideoSessionState.WITHDRAWN)
        self._decide_doorstep(why="customer_choice")
        return self.status()

    @choose_doorstep.validator
    def _validate_choose_doorstep(self, choice: ChooseDoorstep) -> None:
        self._require_stage(
            {Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT},
            "the doorstep check can be chosen while identification is open",
        )

    # ----- operator actions --------------------------------------------------------------------

    @workflow.update
    async def operator_resend_ident_link(self, action: OperatorAction) -> OperatorActionResult:
        self._links_resent += 1
        self._record_operator_action(action, "sent the ident link again")
        self._notify(Event.IDENT_REMINDER, IdentReminder(ident_deadline=self._ident_deadline), n=self._links_resent)
        return OperatorActionResult(done=True, stage=self._stage, message="the ident link is on its way again")

    @operator_resend_ident_link.validator
    def _validate_operator_resend_ident_link(self, action: OperatorAction) -> None:
        self._require_stage(
            {Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT}, "the ident link helps only while identification is open"
        )
        if self._past_deadline():
            refuse("ident_deadline_passed", "the ident deadline has passed; the courier checks the ID")

    @workflow.update
    async def operator_force_doorstep(self, action: OperatorAction) -> OperatorActionResult:
        if self._video is not None and self._video.state in (VideoSessionState.WAITING, VideoSessionState.CLAIMED):
            self._set_video_state(VideoSessionState.WITHDRAWN)
        self._record_operator_action(action, "forced the doorstep ID check")
        self._decide_doorstep(why="operator")
        return OperatorActionResult(done=True, stage=self._stage, message="the courier will check the ID at the door")

    @operator_force_doorstep.validator
    def _validate_operator_force_doorstep(self, action: OperatorAction) -> None:
        self._require_stage(
            {Stage.AWAITING_IDENT, Stage.AWAITING_VIDEO_AGENT, Stage.VIDEO_IN_PROGRESS},
            "the doorstep check can be forced while identification is open",
        )
