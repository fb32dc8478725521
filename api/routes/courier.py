"""Couriers: what to check at the door, the handover, a failed attempt."""

import logging
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from temporalio.client import Client
from temporalio.service import RPCError

from api.deps import CourierDep, OrderIdPath, TemporalDep
from api.errors import ApiError, conflict, conflict_if, responses
from api.workflow_calls import (
    open_order_status,
    order_status,
    run_update,
    send_signal,
    status_after,
    unreachable,
)
from orderflow.contract.client import OrderClient
from orderflow.contract.commands import (
    AttemptNumber,
    CourierHandover,
    CourierTurnedAway,
    DeliveryFailed,
    HandoverResult,
    Note,
    OrderStatus,
)
from orderflow.contract.guards import courier_report_refusal
from orderflow.contract.outcomes import WRONG_CODE, AttemptOutcome, FailureReason
from orderflow.contract.stages import DeliveryMode, Stage

router = APIRouter(prefix="/courier/deliveries", tags=["couriers"])
log = logging.getLogger("orderflow.api.courier")


class DoorCheck(BaseModel):
    order_id: str
    stage: Stage
    out_for_delivery: bool
    attempt: int
    max_attempts: int
    delivery_mode: DeliveryMode | None
    code_required: bool
    id_check_required: bool
    attempt_locked: bool
    next_delivery_day: datetime | None
    instructions: str


# Request bodies take their limits from the contract types they feed (orderflow.contract.commands), so a body
# accepted here is always one the workflow accepts.


class Handover(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attempt: AttemptNumber
    code: str | None = Field(default=None, pattern=r"^[0-9]{6}$", description="the customer's 6-digit code")
    id_checked: bool = Field(default=False, description="the named recipient showed their ID")


class HandoverAnswer(HandoverResult):
    message: str


class FailedAttempt(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attempt: AttemptNumber
    # A closed code, required: free text never decides an attempt's outcome nor reaches the customer.
    reason: FailureReason = Field(
        description="why the parcel could not be handed over; the customer's e-mail explains it"
    )
    note: Note = ""


class AttemptReported(BaseModel):
    order_id: str
    attempt: int
    stage: Stage
    next_delivery_day: datetime | None


def _instructions(status: OrderStatus) -> str:
    if status.stage != Stage.OUT_FOR_DELIVERY:
        if status.attempt_locked:
            return (
                "this attempt is locked after too many wrong codes; the parcel goes out again on the next delivery day"
            )
        return f"not out for delivery (order is {status.stage.value}); do not hand it over"
    who = (
        "only the recipient named on the label, after checking their ID"
        if status.delivery_mode == DeliveryMode.RECIPIENT_WITH_ID
        else "anyone at the address"
    )
    code = "; ask for the 6-digit delivery code first" if status.code_required else ""
    return f"attempt {status.attempt}: hand over to {who}{code}"


def door_check(status: OrderStatus) -> DoorCheck:
    out = status.stage == Stage.OUT_FOR_DELIVERY
    return DoorCheck(
        order_id=status.order_id,
        stage=status.stage,
        out_for_delivery=out,
        attempt=status.attempt,
        max_attempts=status.max_attempts,
        delivery_mode=status.delivery_mode,
        code_required=out and status.code_required,
        id_check_required=status.delivery_mode == DeliveryMode.RECIPIENT_WITH_ID,
        attempt_locked=status.attempt_locked,
        next_delivery_day=status.next_delivery_day,
        instructions=_instructions(status),
    )


_HANDOVER_MESSAGES = {
    AttemptOutcome.DELIVERED: "handed over; the delivery is complete",
    WRONG_CODE: "wrong code; ask the customer to check the code in their e-mail or on the tracking page",
    AttemptOutcome.CODE_LOCKED: "too many wrong codes: this attempt is locked; the parcel goes out again on the next delivery day",
    AttemptOutcome.NOT_COUNTED: "the delivery day ended while we were still checking the code; this does not count"
    " against the customer: the parcel goes out again on the next delivery day with a new code",
    AttemptOutcome.END_OF_DAY: "the delivery day is over; the parcel goes out again on the next delivery day",
}


def _locked_attempt(status: OrderStatus, attempt: int) -> None:
    if status.attempt_locked and status.attempt == attempt:
        raise conflict("attempt_locked", _HANDOVER_MESSAGES[AttemptOutcome.CODE_LOCKED])


async def turned_away(temporal: Client, order_id: str, attempt: int) -> ApiError:
    """The courier's report could not reach the order (no worker runs it, or the server is away).

    A signal reaches the server without a worker: the order learns, when it runs again, that this
    day's attempt must not count against the customer (workflows/delivery/downtime.py `Downtime.reschedule`).
    """
    try:
        await OrderClient(temporal).courier_turned_away(order_id, CourierTurnedAway(attempt=attempt))
    except RPCError as error:
        # The server is away too: the order's end-of-day timer then fires late, which spares the day as well.
        log.warning("courier_turned_away not delivered: %s", error.status, extra={"order_id": order_id})
    return ApiError(
        503,
        "orderflow_unavailable",
        f"orderflow cannot take this report right now; attempt {attempt} will not count against the customer. "
        "Try again in a minute; if it still fails, keep the parcel: it goes out again on the next delivery day",
    )


@router.get("/{order_id}", response_model=DoorCheck, responses=responses(401, 404, 422))
async def what_to_check(order_id: OrderIdPath, _: CourierDep, temporal: TemporalDep) -> DoorCheck:
    """What to check at the door: delivery code required? ID check of the named recipient?"""
    return door_check(await order_status(temporal, order_id))


@router.post("/{order_id}/handover", response_model=HandoverAnswer, responses=responses(401, 404, 409, 422, 503))
async def handover(order_id: OrderIdPath, body: Handover, _: CourierDep, temporal: TemporalDep) -> HandoverAnswer:
    """Hand the parcel over with the customer's code or after an ID check; wrong codes are counted."""
    try:
        _locked_attempt(await open_order_status(temporal, order_id), body.attempt)
        request = CourierHandover(attempt=body.attempt, code=body.code, id_checked=body.id_checked)
        result = await run_update(temporal, order_id, lambda orders: orders.handover(order_id, request))
    except Exception as error:
        if not unreachable(error):
            raise
        raise await turned_away(temporal, order_id, body.attempt) from None
    message = _HANDOVER_MESSAGES.get(result.reason, result.reason)
    return HandoverAnswer(**result.model_dump(), message=message)


@router.post("/{order_id}/failed-attempt", response_model=AttemptReported, responses=responses(401, 404, 409, 422, 503))
async def failed_attempt(
    order_id: OrderIdPath, body: FailedAttempt, _: CourierDep, temporal: TemporalDep
) -> AttemptReported:
    """Report that this attempt failed (nobody home, refused); the next one follows on the next delivery day."""
    try:
        status = await open_order_status(temporal, order_id)
    except Exception as error:
        # Without the order's answer the report cannot be checked, so it is not sent.
        if not unreachable(error):
            raise
        raise await turned_away(temporal, order_id, body.attempt) from None
    _locked_attempt(status, body.attempt)
    # A signal cannot be refused: a report the workflow would ignore is refused here instead, by its rule.
    # An attempt is under way while the parcel is out (the status shows no outcome before the stage moves on).
    under_way = status.attempt if status.stage == Stage.OUT_FOR_DELIVERY else None
    conflict_if(courier_report_refusal(under_way, body.attempt))
    report = DeliveryFailed(attempt=body.attempt, reason=body.reason, note=body.note)
    await send_signal(temporal, order_id, lambda orders: orders.delivery_failed(order_id, report))
    try:
        after = await status_after(
            temporal, order_id, lambda s: s.stage != Stage.OUT_FOR_DELIVERY or s.attempt != body.attempt
        )
    except Exception as error:
        # The report is with the server and counts; only the order's reply is late.
        if not unreachable(error):
            raise
        after = status
    return AttemptReported(
        order_id=order_id, attempt=body.attempt, stage=after.stage, next_delivery_day=after.next_delivery_day
    )
