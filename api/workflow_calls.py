"""Talking to one order's workflow, with its refusals turned into API errors.

The API never imports `workflows/`: it calls updates, signals and the `status` query through the
contract's typed client (`orderflow.contract.client.OrderClient`), so mypy checks every payload.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ApiError, conflict, not_found, order_missing
from orderflow.contract.client import OrderClient
from orderflow.contract.commands import OrderStatus
from orderflow.contract.stages import FINAL, Stage

ResultT = TypeVar("ResultT", bound=BaseModel)

# The longest an update may take: the photo check is bounded by 3 minutes (workflows/activity_options.py);
# everything else answers within milliseconds.
UPDATE_PATIENCE = 240.0

# A query needs a worker too: without one the server holds it for 30 s and then gives up; a caller
# learns sooner that the order cannot answer now.
QUERY_PATIENCE = 10.0

# How a query or an update ends when no worker runs the order (the server gave up waiting for one).
_NO_WORKER = {RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED}
# ... or when the server itself is away (answered as temporal_unavailable, api/errors.py).
_UNREACHABLE = {*_NO_WORKER, RPCStatusCode.UNAVAILABLE}

# Refusal codes that mean "no such thing" rather than "not now".
_NOT_FOUND_CODES = {"unknown_session"}


def order_busy() -> ApiError:
    return ApiError(503, "order_busy", "the order is still working on this; check its status again shortly")


def order_unavailable() -> ApiError:
    # The order's workflow cannot run its tasks (a deploy it cannot replay, a bug): it waits for an operator, who
    # finds it among the stuck orders; nothing the caller sent is lost, and the caller can only wait.
    return ApiError(503, "order_unavailable", "this order cannot answer right now; it is waiting for our team")


def unreachable(error: BaseException) -> bool:
    """The call could not reach a running workflow (no worker, server away): not the caller's fault."""
    if isinstance(error, ApiError):
        return error.code == "order_busy"
    return isinstance(error, RPCError) and error.status in _UNREACHABLE


def order_closed(status: OrderStatus) -> ApiError:
    return conflict("order_closed", f"the order is {status.stage.value}; nothing can change it any more")


async def order_status(client: Client, order_id: str) -> OrderStatus:
    """The `status` query; 404 when the order does not exist (finished orders still answer)."""
    orders = OrderClient(client)
    for pause in (0.05, 0.1, 0.2, 0.4, 0.8, None):
        try:
            return await orders.status(order_id, rpc_timeout=timedelta(seconds=QUERY_PATIENCE))
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise order_missing() from None
            if error.status in _NO_WORKER:
                raise order_busy() from None
            # A workflow whose first task has not run yet cannot answer queries: ask again shortly.
            if error.status != RPCStatusCode.FAILED_PRECONDITION or pause is None:
                raise
        except WorkflowQueryFailedError:
            if pause is None:
                raise order_unavailable() from None
        await asyncio.sleep(pause)
    raise AssertionError("unreachable")


async def settled_status(client: Client, order_id: str, patience: float = 5.0) -> OrderStatus:
    """The status once the order left `received`.

    A new order reaches its first real stage only after its first activities ran (milliseconds);
    a customer who is that quick should not be refused for it.
    """
    deadline = time.monotonic() + patience
    status = await order_status(client, order_id)
    while status.stage == Stage.RECEIVED and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        status = await order_status(client, order_id)
    return status


async def open_order_status(client: Client, order_id: str) -> OrderStatus:
    """Like `settled_status`, but 409 for an order that is closed (delivered, returned, cancelled)."""
    status = await settled_status(client, order_id)
    if status.stage in FINAL:
        raise order_closed(status)
    return status


async def run_update(client: Client, order_id: str, update: Callable[[OrderClient], Awaitable[ResultT]]) -> ResultT:
    """Executes an update (`lambda orders: orders.submit_photos(order_id, photos)`); a validator's refusal
    becomes 409 (404 for unknown things)."""
    try:
        async with asyncio.timeout(UPDATE_PATIENCE):
            return await update(OrderClient(client))
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        # Not finished in time (a worker is down, say): the order carries on without us.
        raise order_busy() from None
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        if isinstance(cause, ApplicationError) and cause.type:
            if cause.type in _NOT_FOUND_CODES:
                raise not_found(cause.type, cause.message) from None
            raise conflict(cause.type, cause.message) from None
        raise
    except RPCError as error:
        if error.status in _NO_WORKER:
            raise order_busy() from None
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        # Updates cannot reach a finished workflow and the server says "not found" for both cases.
        raise order_closed(await order_status(client, order_id)) from None


async def send_signal(client: Client, order_id: str, signal: Callable[[OrderClient], Awaitable[None]]) -> None:
    try:
        await signal(OrderClient(client))
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        raise order_closed(await order_status(client, order_id)) from None


async def status_after(
    client: Client, order_id: str, changed: Callable[[OrderStatus], bool], patience: float = 3.0
) -> OrderStatus:
    """Polls the status until `changed(status)` holds (a signal was processed), or patience ran out."""
    deadline = time.monotonic() + patience
    status = await order_status(client, order_id)
    while not changed(status) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        status = await order_status(client, order_id)
    return status
