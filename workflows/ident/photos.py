"""Photo checks: the customer's three photos against the order's name and birth date, and what follows."""

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from orderflow.contract import task_queues
    from orderflow.contract.commands import PhotoSubmissionResult, SubmitPhotos
    from orderflow.contract.delivery_calendar import next_delivery_day
    from orderflow.contract.guards import photo_submission_refusal, refs_of_order
    from orderflow.contract.message_context import PhotoCheckUnavailable, PhotoIdentFailed
    from orderflow.contract.messages import Event
    from orderflow.contract.names import PHOTO_IDENT_ACTIVITY, RECORD_PHOTO_CHECK
    from orderflow.contract.photo_ident import (
        CHECK_UNAVAILABLE,
        LIVENESS_MISSING,
        ExpectedIdentity,
        PhotoIdentInput,
        PhotoIdentResult,
        PhotoVerdict,
    )
    from orderflow.contract.records import RecordPhotoCheck
    from orderflow.contract.stages import IdentOutcome, Stage
    from workflows import activity_options
    from workflows.ident.decisions import IdentDecisions
    from workflows.ident.video import VideoSessions
    from workflows.order_core import OrderCore
    from workflows.order_status import ident_actions, next_actions, photo_tries_left
    from workflows.patches import CHECK_UNAVAILABLE_SAID_ONCE, HIGH_VALUE_NEEDS_LIVENESS
    from workflows.refusals import refuse, refuse_if


class PhotoChecks:
    def __init__(self, core: OrderCore, decisions: IdentDecisions, video: VideoSessions) -> None:
        self.core = core
        self.decisions = decisions
        self.video = video

    async def submit(self, photos: SubmitPhotos) -> PhotoSubmissionResult:
        core, ident = self.core, self.core.ident
        ident.photo_tries_used += 1
        ident.photo_submissions += 1
        core.enter(Stage.PHOTO_CHECK, note=f"submission {ident.photo_submissions}")
        result = await self._check(photos)
        now = await core.decision_clock()
        if (
            result.verdict == PhotoVerdict.PASSED
            and core.high_value
            and ident.live_portrait_ref is None
            and workflow.patched(HIGH_VALUE_NEEDS_LIVENESS)
        ):
            # An uploaded portrait may be a photo of a photo: without a passed camera check a human decides.
            result = result.model_copy(
                update={"verdict": PhotoVerdict.NEEDS_REVIEW, "reasons": [*result.reasons, LIVENESS_MISSING]}
            )
        core.record_decision(
            f"photo check {ident.photo_submissions}: {result.verdict.value} {' '.join(result.reasons)}"
        )
        core.store(
            RECORD_PHOTO_CHECK,
            RecordPhotoCheck(
                order_id=core.order.order_id,
                submission=ident.photo_submissions,
                verdict=result.verdict.value,
                reasons=result.reasons,
                images=result.images,
                document_type=result.document_type,
                face_distance=result.face_distance,
                face_threshold=result.face_threshold,
                at=workflow.now(),
            ),
        )
        if core.cancel_reason is not None:
            pass  # the run loop cancels the order; the verdict no longer matters
        elif result.verdict == PhotoVerdict.PASSED:
            self.decisions.decide_identified(IdentOutcome.PHOTO_PASSED, Event.PHOTO_IDENT_PASSED)
        elif result.verdict == PhotoVerdict.NEEDS_REVIEW and not self.decisions.past_deadline(now):
            # The machine could not decide: a human agent looks at it in a video call.
            self.video.open(note="photo check needs review")
        elif result.reasons == [CHECK_UNAVAILABLE] and workflow.patched(CHECK_UNAVAILABLE_SAID_ONCE):
            # Our outage: the customer's photos may be fine. Said once, in words that blame no one.
            event = None if ident.outage_told else Event.PHOTO_CHECK_UNAVAILABLE
            ident.outage_told = True
            unavailable = PhotoCheckUnavailable(next_actions=ident_actions(core))
            self.decisions.after_try_failed(CHECK_UNAVAILABLE.lower(), now, event=event, context=unavailable)
        else:
            why = "photo_failed" if photo_tries_left(core) > 0 else "tries_used"
            failed = PhotoIdentFailed(
                reasons=result.reasons, tries_left=photo_tries_left(core), next_actions=ident_actions(core)
            )
            self.decisions.after_try_failed(why, now, event=Event.PHOTO_IDENT_FAILED, context=failed)
        return PhotoSubmissionResult(
            verdict=result.verdict.value,
            reasons=result.reasons,
            tries_left=photo_tries_left(core),
            stage=core.stage,
            next_actions=next_actions(core),
        )

    async def _check(self, photos: SubmitPhotos) -> PhotoIdentResult:
        core = self.core
        customer = core.order.customer
        first_day = next_delivery_day(core.policy, workflow.now(), core.started_at)
        request = PhotoIdentInput(
            order_id=core.order.order_id,
            # A live frame beats an upload: someone who passed the camera check cannot send another face.
            image_refs=[photos.front_ref, photos.back_ref, core.ident.live_portrait_ref or photos.portrait_ref],
            expected=ExpectedIdentity(
                first_name=customer.first_name, last_name=customer.last_name, date_of_birth=customer.date_of_birth
            ),
            valid_on=first_day.local_date,
        )
        try:
            return await workflow.execute_activity(
                PHOTO_IDENT_ACTIVITY,
                request,
                task_queue=activity_options.queue_beside_orders(task_queues.VISION),
                result_type=PhotoIdentResult,
                **activity_options.PHOTO_IDENT,
            )
        except ActivityError as error:
            # The check itself broke, not the customer's photos: this submission does not count.
            workflow.logger.warning("photo check unavailable: %s", error.cause)
            core.ident.photo_tries_used -= 1
            return PhotoIdentResult(verdict=PhotoVerdict.FAILED, reasons=[CHECK_UNAVAILABLE], retry_possible=True)

    def validate(self, photos: SubmitPhotos) -> None:
        core = self.core
        core.require_not_cancelled()
        refuse_if(photo_submission_refusal(core.stage, photo_tries_left(core), self.decisions.past_deadline()))
        if not refs_of_order(core.order.order_id, (photos.front_ref, photos.back_ref, photos.portrait_ref)):
            refuse("foreign_photos", "photo references must be images uploaded for this order")
