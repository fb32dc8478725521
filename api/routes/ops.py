"""Operators: find stuck orders, and move one on (resend the ident link, force the doorstep check,
re-open a delivery attempt, cancel). Each action is a workflow update with a validator, so a
refusal (409 with its code) leaves no trace, and an accepted one lands in the audit trail with
the operator behind the token and the reason given."""

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated

import anyio
from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from temporalio.client import Client

from api.deps import EngineDep, OperatorDep, OrderIdPath, SettingsDep, TemporalDep
from api.errors import ApiError, responses
from api.workflow_calls import run_update
from orderflow.contract.client import OrderClient
from orderflow.contract.commands import CancelOrder, CancelResult, OperatorAction, OperatorActionResult
from orderflow.contract.outcomes import NOTE_MAX_LENGTH
from orderflow.contract.stages import Stage
from orderflow.ops.stuck import NeverStuck, StuckReport, find_stuck
from orderflow.ops.unconfirmed import SETTLED_AFTER, UnconfirmedReport, unconfirmed_messages

router = APIRouter(prefix="/ops", tags=["operators"])
log = logging.getLogger("orderflow.api.ops")


class Reason(BaseModel):
    # The limits of OperatorAction.reason, which this feeds.
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=3, max_length=NOTE_MAX_LENGTH, description="why; recorded in the audit trail")


@router.get("/stuck", response_model=StuckReport, responses=responses(401, 422))
async def stuck_orders(
    _: OperatorDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    stage: Stage | None = None,
    older_than: Annotated[
        timedelta | None, Query(description="ISO 8601 duration, e.g. PT2H; default: each stage's own threshold")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> StuckReport:
    """Open orders whose stage has not changed for too long, longest waiting first, with UI links."""
    try:
        return await find_stuck(temporal, settings, stage=stage, older_than=older_than, limit=limit)
    except NeverStuck as error:
        raise ApiError(422, "never_stuck", str(error)) from None
    except ValueError as error:
        raise ApiError(422, "invalid_request", str(error)) from None


@router.get("/unconfirmed-messages", response_model=UnconfirmedReport, responses=responses(401, 422))
async def unconfirmed(
    _: OperatorDep,
    engine: EngineDep,
    older_than: Annotated[timedelta, Query(description="ISO 8601 duration; default PT2M")] = SETTLED_AFTER,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> UnconfirmedReport:
    """E-mails handed to the provider whose outcome is unknown (never resent automatically): check and resend by hand."""
    if older_than < timedelta(0):
        raise ApiError(422, "invalid_request", "older_than must not be negative")
    return await anyio.to_thread.run_sync(lambda: unconfirmed_messages(engine, older_than, limit))


OperatorUpdate = Callable[[OrderClient, str, OperatorAction], Awaitable[OperatorActionResult]]


async def _act(
    temporal: Client, order_id: str, update: OperatorUpdate, operator: str, reason: str
) -> OperatorActionResult:
    # The reason may quote the customer: only who did what goes to the log; the why goes to the audit trail.
    log.info("operator %s asks %s", operator, update.__name__, extra={"order_id": order_id})
    action = OperatorAction(operator_id=operator, reason=reason)
    return await run_update(temporal, order_id, lambda orders: update(orders, order_id, action))


@router.post(
    "/orders/{order_id}/resend-ident-link",
    response_model=OperatorActionResult,
    responses=responses(401, 404, 409, 422),
)
async def resend_ident_link(
    order_id: OrderIdPath, body: Reason, operator: OperatorDep, temporal: TemporalDep
) -> OperatorActionResult:
    """E-mail the customer the online identification link again (order waiting for ident)."""
    return await _act(temporal, order_id, OrderClient.resend_ident_link, operator, body.reason)


@router.post(
    "/orders/{order_id}/force-doorstep", response_model=OperatorActionResult, responses=responses(401, 404, 409, 422)
)
async def force_doorstep(
    order_id: OrderIdPath, body: Reason, operator: OperatorDep, temporal: TemporalDep
) -> OperatorActionResult:
    """End online identification: the parcel goes out with an ID check at the door."""
    return await _act(temporal, order_id, OrderClient.force_doorstep, operator, body.reason)


@router.post(
    "/orders/{order_id}/reopen-delivery-attempt",
    response_model=OperatorActionResult,
    responses=responses(401, 404, 409, 422),
)
async def reopen_delivery_attempt(
    order_id: OrderIdPath, body: Reason, operator: OperatorDep, temporal: TemporalDep
) -> OperatorActionResult:
    """Re-open today's failed or locked delivery attempt, so the courier can try again."""
    return await _act(temporal, order_id, OrderClient.reopen_delivery_attempt, operator, body.reason)


@router.post("/orders/{order_id}/cancel", response_model=CancelResult, responses=responses(401, 404, 409, 422))
async def cancel(order_id: OrderIdPath, body: Reason, operator: OperatorDep, temporal: TemporalDep) -> CancelResult:
    """Cancel the order before dispatch; refused with 409 once the parcel has left the warehouse."""
    log.info("operator %s asks cancel", operator, extra={"order_id": order_id})
    request = CancelOrder(reason=body.reason, operator_id=operator)
    return await run_update(temporal, order_id, lambda orders: orders.cancel(order_id, request))
