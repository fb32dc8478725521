"""The `status` query's answer, read from the order's core and its two phases' states, and what the customer
may do next."""

from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.commands import OrderStatus, VideoSessionStatus
    from orderflow.contract.outcomes import AttemptOutcome
    from orderflow.contract.stages import NextAction, Stage

if TYPE_CHECKING:
    from workflows.order_core import OrderCore


def order_status(core: "OrderCore") -> OrderStatus:
    ident, delivery = core.ident, core.delivery
    attempt = delivery.attempt
    video = ident.video
    code_open = attempt is not None and attempt.code_required and attempt.outcome is None
    return OrderStatus(
        order_id=core.order.order_id,
        customer_no=core.order.customer.customer_no,
        stage=core.stage,
        stage_entered_at=core.stage_entered_at,
        ident_method=core.order.ident_method,
        ident_outcome=ident.outcome,
        ident_deadline=ident.deadline,
        photo_tries_left=photo_tries_left(core),
        video_session=None
        if video is None
        else VideoSessionStatus(
            session_id=video.session_id,
            state=video.state,
            agent_id=video.agent_id,
            requested_at=video.requested_at,
            claimed_at=video.claimed_at,
        ),
        delivery_mode=delivery.mode,
        high_value=core.high_value,
        attempt=attempt.number if attempt else 0,
        max_attempts=core.policy.delivery_attempts,
        code_required=code_open,
        code_valid_until=attempt.day.ends_at if attempt is not None and code_open else None,
        attempt_locked=bool(attempt and attempt.outcome == AttemptOutcome.CODE_LOCKED),
        next_delivery_day=delivery.next_day_starts_at,
        next_actions=next_actions(core),
        cancel_reason=core.cancel_reason,
        timeline=list(core.timeline),
        locale=core.order.customer.locale,
    )


def next_actions(core: "OrderCore") -> list[NextAction]:
    if core.stage == Stage.AWAITING_IDENT:
        return ident_actions(core)
    if core.stage == Stage.AWAITING_VIDEO_AGENT:
        return [NextAction.WAIT_FOR_AGENT, NextAction.DOORSTEP]
    if core.stage == Stage.VIDEO_IN_PROGRESS:
        return [NextAction.JOIN_VIDEO_CALL]
    if core.stage in (Stage.PHOTO_CHECK, Stage.CANCELLED):
        return []
    return [NextAction.TRACK_PARCEL]


def ident_actions(core: "OrderCore") -> list[NextAction]:
    retake = [NextAction.RETAKE_PHOTOS] if photo_tries_left(core) else []
    return [*retake, NextAction.VIDEO_CALL, NextAction.DOORSTEP]


def photo_tries_left(core: "OrderCore") -> int:
    return max(0, core.policy.photo_tries - core.ident.photo_tries_used)
