"""Operators: the storefront's webhook endpoints (register, list, disable, rotate the secret, delete)
and what was sent to them (every try, and a manual redelivery).

The secret is shown once: in the answer to the registration and to a rotation.
"""

import logging
import uuid
from datetime import datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import EngineDep, OperatorDep, SettingsDep, TemporalDep
from api.errors import ApiError, responses
from orderflow.contract import task_queues
from orderflow.contract.webhook_events import WebhookEventType
from orderflow.crypto import data_keys
from orderflow.store.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from orderflow.webhooks.addresses import AddressRefused, resolve
from orderflow.webhooks.contract import DELIVERY_WORKFLOW, DeliveryFeed
from orderflow.webhooks.ledger import Ledger
from orderflow.webhooks.registry import Registry
from orderflow.webhooks.retry_settings import retry_from
from orderflow.webhooks.secrets import PREFIX

router = APIRouter(prefix="/ops/webhooks", tags=["operators"])
log = logging.getLogger("orderflow.api.webhooks")

EndpointIdPath = Annotated[str, Path(min_length=4, max_length=40, pattern=r"^ep_[0-9a-f]+$")]
DeliveryIdPath = Annotated[str, Path(min_length=5, max_length=40, pattern=r"^msg_[0-9a-f]+$")]


class NewEndpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=2000, description="https URL that receives the events")
    event_types: list[WebhookEventType] = Field(
        default_factory=lambda: list(WebhookEventType), min_length=1, description="default: every event type"
    )
    description: str = Field(default="", max_length=500)


class Disable(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="disabled by an operator", min_length=3, max_length=200)


class EndpointPublic(BaseModel):
    id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str
    created_at: datetime
    previous_secret_valid_until: datetime | None = None


class EndpointWithSecret(EndpointPublic):
    secret: str = Field(description=f"{PREFIX}<base64>: shown only now; keep it with the receiver")


class AttemptPublic(BaseModel):
    number: int
    at: datetime
    status_code: int | None
    latency_ms: int | None
    error: str
    manual: bool


class DeliveryPublic(BaseModel):
    id: str = Field(description="the webhook-id header: the same on every try")
    event_id: str
    event_type: str
    order_id: str
    sequence: int
    state: str
    created_at: datetime
    finished_at: datetime | None
    attempts: list[AttemptPublic]


class Redelivery(BaseModel):
    delivery_id: str
    workflow_id: str


def _registry(request: Request) -> Registry:
    settings = request.app.state.settings
    return Registry(request.app.state.engine, data_keys(settings))


def _public(row: WebhookEndpoint) -> EndpointPublic:
    return EndpointPublic(
        id=row.id,
        url=row.url,
        description=row.description,
        event_types=row.event_types,
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        created_at=row.created_at,
        previous_secret_valid_until=row.previous_secret_expires_at if row.previous_secret_sealed else None,
    )


def _delivery(row: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryPublic:
    return DeliveryPublic(
        **row.model_dump(include={"id", "event_id", "event_type", "order_id", "sequence", "state"}),
        created_at=row.created_at,
        finished_at=row.finished_at,
        attempts=[AttemptPublic.model_validate(a, from_attributes=True) for a in attempts],
    )


def _missing() -> ApiError:
    return ApiError(404, "webhook_not_found", "there is no webhook endpoint with this id")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EndpointWithSecret, responses=responses(401, 422))
async def register(
    body: NewEndpoint, operator: OperatorDep, settings: SettingsDep, request: Request
) -> EndpointWithSecret:
    """Register an endpoint; the answer holds its signing secret, which is never shown again."""
    try:
        # Resolves the host: every address must be public (unless dev/test allow private ones).
        await anyio.to_thread.run_sync(resolve, body.url, settings.webhooks_allow_private)
    except AddressRefused as refused:
        raise ApiError(422, "webhook_url_refused", str(refused)) from None
    row, secret = await anyio.to_thread.run_sync(
        _registry(request).create, body.url, [t.value for t in body.event_types], body.description
    )
    log.info("operator %s registered webhook endpoint %s", operator, row.id)
    return EndpointWithSecret(**_public(row).model_dump(), secret=secret)


@router.get("", response_model=list[EndpointPublic], responses=responses(401))
async def list_endpoints(_: OperatorDep, request: Request) -> list[EndpointPublic]:
    """Every registered endpoint, oldest first (without secrets)."""
    return [_public(row) for row in await anyio.to_thread.run_sync(_registry(request).all)]


@router.get("/{endpoint_id}", response_model=EndpointPublic, responses=responses(401, 404, 422))
async def get_endpoint(endpoint_id: EndpointIdPath, _: OperatorDep, request: Request) -> EndpointPublic:
    """One endpoint (without its secret)."""
    row = await anyio.to_thread.run_sync(_registry(request).get, endpoint_id)
    if row is None:
        raise _missing()
    return _public(row)


@router.post("/{endpoint_id}/disable", response_model=EndpointPublic, responses=responses(401, 404, 422))
async def disable(
    endpoint_id: EndpointIdPath, operator: OperatorDep, request: Request, body: Disable | None = None
) -> EndpointPublic:
    """Stop sending to the endpoint; queued events for it are skipped."""
    reason = (body or Disable()).reason
    row = await anyio.to_thread.run_sync(_registry(request).set_enabled, endpoint_id, False, reason)
    if row is None:
        raise _missing()
    log.info("operator %s disabled webhook endpoint %s", operator, endpoint_id)
    return _public(row)


@router.post("/{endpoint_id}/enable", response_model=EndpointPublic, responses=responses(401, 404, 422))
async def enable(endpoint_id: EndpointIdPath, operator: OperatorDep, request: Request) -> EndpointPublic:
    """Send to the endpoint again (from the next event on)."""
    row = await anyio.to_thread.run_sync(_registry(request).set_enabled, endpoint_id, True, "")
    if row is None:
        raise _missing()
    log.info("operator %s enabled webhook endpoint %s", operator, endpoint_id)
    return _public(row)


@router.post("/{endpoint_id}/rotate-secret", response_model=EndpointWithSecret, responses=responses(401, 404, 422))
async def rotate_secret(
    endpoint_id: EndpointIdPath, operator: OperatorDep, settings: SettingsDep, request: Request
) -> EndpointWithSecret:
    """A new secret, shown once; the previous one keeps signing alongside it for the grace period."""
    rotated = await anyio.to_thread.run_sync(
        _registry(request).rotate_secret, endpoint_id, settings.webhooks_secret_grace
    )
    if rotated is None:
        raise _missing()
    row, secret = rotated
    log.info("operator %s rotated the secret of webhook endpoint %s", operator, endpoint_id)
    return EndpointWithSecret(**_public(row).model_dump(), secret=secret)


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 404, 422))
async def delete_endpoint(endpoint_id: EndpointIdPath, operator: OperatorDep, request: Request) -> Response:
    """Remove the endpoint with its delivery records; nothing more is sent to it."""
    if not await anyio.to_thread.run_sync(_registry(request).delete, endpoint_id):
        raise _missing()
    log.info("operator %s deleted webhook endpoint %s", operator, endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{endpoint_id}/deliveries", response_model=list[DeliveryPublic], responses=responses(401, 404, 422))
async def deliveries(
    endpoint_id: EndpointIdPath,
    _: OperatorDep,
    engine: EngineDep,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryPublic]:
    """What was sent to the endpoint, newest first, each with every try (status, latency, error)."""
    if await anyio.to_thread.run_sync(_registry(request).get, endpoint_id) is None:
        raise _missing()
    rows = await anyio.to_thread.run_sync(Ledger(engine).of_endpoint, endpoint_id, limit)
    return [_delivery(row, attempts) for row, attempts in rows]


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Redelivery,
    responses=responses(401, 404, 409, 422),
)
async def redeliver(
    endpoint_id: EndpointIdPath,
    delivery_id: DeliveryIdPath,
    operator: OperatorDep,
    engine: EngineDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    request: Request,
) -> Redelivery:
    """Send the delivery again (same webhook-id, fresh signature), with the usual retries."""
    endpoint = await anyio.to_thread.run_sync(_registry(request).get, endpoint_id)
    if endpoint is None:
        raise _missing()
    ledger = Ledger(engine)
    delivery = await anyio.to_thread.run_sync(ledger.get, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint_id:
        raise ApiError(404, "delivery_not_found", "this endpoint has no delivery with this id")
    if not endpoint.enabled:
        raise ApiError(409, "webhook_disabled", "the endpoint is disabled: enable it first")
    await anyio.to_thread.run_sync(ledger.reopen, delivery_id)
    workflow_id = f"webhook-redeliver-{delivery_id}-{uuid.uuid4().hex[:8]}"
    await temporal.start_workflow(
        DELIVERY_WORKFLOW,
        DeliveryFeed(
            endpoint_id=endpoint_id,
            order_id=delivery.order_id,
            retry=retry_from(settings),
            deliveries=[delivery_id],
            manual=True,
        ),
        id=workflow_id,
        task_queue=task_queues.sibling(settings.task_queue, task_queues.WEBHOOKS),
    )
    log.info("operator %s asked to redeliver %s", operator, delivery_id)
    return Redelivery(delivery_id=delivery_id, workflow_id=workflow_id)
