"""Storefront: start an order exactly once, read its status, cancel it before dispatch."""

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import SkipJsonSchema
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.deps import EngineDep, OrderIdPath, SettingsDep, StorefrontDep, TemporalDep
from api.errors import ApiError, responses
from api.workflow_calls import open_order_status, order_status, run_update
from orderflow.contract.commands import CancelOrder, CancelResult, Note, OrderStatus
from orderflow.contract.order import IdentMethod, OrderInput
from orderflow.links import ident_url, tracking_url
from orderflow.storefront import start_order

router = APIRouter(prefix="/orders", tags=["storefront"])


class NewOrder(OrderInput):
    # The policy comes from the shop's settings when the order starts, never from the request.
    policy: SkipJsonSchema[None] = None


class OrderCreated(BaseModel):
    order_id: str
    status_url: str
    tracking_url: str
    # The signed link behind "start online identification" on the confirmation page.
    ident_url: str | None = None


class CancelRequest(BaseModel):
    # The limits of CancelOrder.reason, which this feeds.
    model_config = ConfigDict(extra="forbid")
    reason: Note = ""


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderCreated,
    responses=responses(401, 409, 422),
)
async def create_order(
    order: NewOrder,
    _: StorefrontDep,
    temporal: TemporalDep,
    engine: EngineDep,
    settings: SettingsDep,
    response: Response,
) -> OrderCreated:
    """Start the order's workflow; an order id that exists is refused with 409, whether its workflow
    still runs, has finished, or has long left Temporal (the store remembers every order id)."""
    try:
        await start_order(temporal, order, settings.task_queue, settings.order_policy(), engine)
    except WorkflowAlreadyStartedError:
        raise ApiError(409, "order_exists", f"order {order.order_id} exists already") from None
    status_url = f"{settings.public_base_url}/orders/{order.order_id}"
    response.headers["Location"] = status_url
    return OrderCreated(
        order_id=order.order_id,
        status_url=status_url,
        tracking_url=tracking_url(settings, order.order_id),
        ident_url=ident_url(settings, order.order_id) if order.ident_method == IdentMethod.ONLINE else None,
    )


@router.get("/{order_id}", response_model=OrderStatus, responses=responses(401, 404, 422))
async def get_order(order_id: OrderIdPath, _: StorefrontDep, temporal: TemporalDep) -> OrderStatus:
    """The order's stage, ident outcome, deadlines, delivery mode and history."""
    return await order_status(temporal, order_id)


@router.post("/{order_id}/cancel", response_model=CancelResult, responses=responses(401, 404, 409, 422))
async def cancel_order(
    order_id: OrderIdPath, _: StorefrontDep, temporal: TemporalDep, request: CancelRequest | None = None
) -> CancelResult:
    """Cancel the order; refused with 409 once the parcel has left the warehouse."""
    await open_order_status(temporal, order_id)
    reason = request.reason if request else ""
    return await run_update(temporal, order_id, lambda orders: orders.cancel(order_id, CancelOrder(reason=reason)))
