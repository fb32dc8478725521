"""Dependencies: what the lifespan created (settings, Temporal client, engine, blob store) and
who is asking (storefront, agent, courier by bearer token; customer by signed link)."""

from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from temporalio.client import Client

from api.auth import Tokens, identify
from api.errors import ApiError
from orderflow.blobs import BlobStore
from orderflow.contract.order import ORDER_ID_MAX_LENGTH, ORDER_ID_PATTERN
from orderflow.links import LinkExpired, LinkInvalid, LinkPurpose, verify
from orderflow.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_temporal(request: Request) -> Client:
    client = getattr(request.app.state, "temporal", None)
    if client is None:  # still connecting (api/main.py lifespan)
        raise ApiError(503, "temporal_unavailable", "the order service is starting; try again shortly")
    return client


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_blobs(request: Request) -> BlobStore:
    return request.app.state.blobs


def get_tokens(request: Request) -> Tokens:
    return request.app.state.tokens


SettingsDep = Annotated[Settings, Depends(get_settings)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
EngineDep = Annotated[Engine, Depends(get_engine)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
TokensDep = Annotated[Tokens, Depends(get_tokens)]

# The limits of OrderInput.order_id: anything else cannot name an order.
OrderIdPath = Annotated[str, Path(min_length=1, max_length=ORDER_ID_MAX_LENGTH, pattern=ORDER_ID_PATTERN)]
LinkTokenPath = Annotated[str, Path(min_length=1, max_length=300)]

# One scheme per audience, so /docs shows which token each route wants.
_storefront_bearer = HTTPBearer(scheme_name="storefront", auto_error=False, description="the storefront's token")
_agent_bearer = HTTPBearer(scheme_name="agent", auto_error=False, description="a video-ident agent's own token")
_courier_bearer = HTTPBearer(scheme_name="courier", auto_error=False, description="a courier's own token")
_operator_bearer = HTTPBearer(scheme_name="operator", auto_error=False, description="an operator's own token")
Credentials = HTTPAuthorizationCredentials | None
# The codec reads the operator's token itself (it also accepts a cookie), so it needs the bare credentials.
OperatorCredentials = Annotated[Credentials, Security(_operator_bearer)]


def _who(credentials: Credentials, tokens: dict[str, str], audience: str) -> str:
    identity = identify(credentials.credentials, tokens) if credentials else None
    if identity is None:
        raise ApiError(
            401,
            "unauthorized",
            f"a valid {audience} bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return identity


def require_storefront(tokens: TokensDep, credentials: Annotated[Credentials, Security(_storefront_bearer)]) -> str:
    return _who(credentials, tokens.storefront, "storefront")


def require_agent(tokens: TokensDep, credentials: Annotated[Credentials, Security(_agent_bearer)]) -> str:
    return _who(credentials, tokens.agents, "agent")


def require_courier(tokens: TokensDep, credentials: Annotated[Credentials, Security(_courier_bearer)]) -> str:
    return _who(credentials, tokens.couriers, "courier")


def require_operator(tokens: TokensDep, credentials: OperatorCredentials) -> str:
    return _who(credentials, tokens.operators, "operator")


StorefrontDep = Annotated[str, Depends(require_storefront)]
AgentDep = Annotated[str, Depends(require_agent)]  # the agent id behind the token
CourierDep = Annotated[str, Depends(require_courier)]  # the courier id behind the token
OperatorDep = Annotated[str, Depends(require_operator)]  # the operator id behind the token


def _linked_order(settings: Settings, token: str, purpose: LinkPurpose) -> str:
    try:
        return verify(settings, token, purpose)
    except LinkExpired:
        raise ApiError(410, "link_expired", "this link has expired") from None
    except LinkInvalid:
        raise ApiError(403, "link_invalid", "this link is not valid") from None


def ident_order(settings: SettingsDep, token: LinkTokenPath) -> str:
    return _linked_order(settings, token, LinkPurpose.IDENT)


def tracked_order(settings: SettingsDep, token: LinkTokenPath) -> str:
    return _linked_order(settings, token, LinkPurpose.TRACK)


IdentOrderDep = Annotated[str, Depends(ident_order)]  # the order a signed ident link is bound to
TrackOrderDep = Annotated[str, Depends(tracked_order)]  # the order a signed tracking link is bound to
