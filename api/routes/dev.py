"""Development only: the messages captured in the local outbox (no SendGrid key set)."""

from typing import Annotated

import anyio
from fastapi import APIRouter, Query

from api.deps import EngineDep
from api.errors import responses
from orderflow.store.outbox import MAX_LISTING, SentMessagePublic, list_outbox

router = APIRouter(prefix="/dev", tags=["development"])


@router.get("/outbox", response_model=list[SentMessagePublic], responses=responses(422))
async def outbox(
    engine: EngineDep,
    order_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LISTING)] = 50,
) -> list[SentMessagePublic]:
    """Messages the workflows sent, newest first (mounted only outside production)."""
    return await anyio.to_thread.run_sync(lambda: list_outbox(engine, order_id=order_id, limit=limit))
