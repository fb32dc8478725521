"""Operator fixtures: the API on the dev server (visibility queries work there) with an operator token."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import Session, select
from temporalio.client import Client

from orderflow.contract import search_attributes
from orderflow.contract.stages import Stage
from orderflow.settings import Settings
from orderflow.store.orders import AuditEvent
from tests.api.stack import Api, bearer, running_api

OPERATOR_ID = "ops-1"
OPERATOR_TOKEN = "ops-1-test-token"
OPERATOR = bearer(OPERATOR_TOKEN)


def with_operators(settings: Settings) -> Settings:
    return settings.model_copy(update={"operator_tokens": f"{OPERATOR_ID}:{OPERATOR_TOKEN},ops-2:other-token"})


@pytest.fixture
async def ops_api(dev_server_env, engine, settings) -> AsyncIterator[Api]:
    async with running_api(dev_server_env.client, engine, with_operators(settings)) as running:
        yield running


async def indexed(client: Client, stages: dict[str, Stage]) -> None:
    """Waits until visibility shows each workflow id in its stage (the index trails the workflow)."""
    ids = ", ".join(f"'{workflow_id}'" for workflow_id in stages)
    seen: dict[str, str | None] = {}
    for _ in range(150):
        seen = {
            w.id: w.typed_search_attributes.get(search_attributes.ORDER_STAGE)
            async for w in client.list_workflows(f"WorkflowId IN ({ids})")
        }
        if seen == {workflow_id: stage.value for workflow_id, stage in stages.items()}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"visibility shows {seen}, expected {stages}")


async def operator_rows(engine, order_id: str, count: int = 1) -> list[AuditEvent]:
    """The order's operator audit rows, once `count` arrived (they are written in the background)."""
    rows: list[AuditEvent] = []
    for _ in range(200):
        with Session(engine) as session:
            query = select(AuditEvent).where(AuditEvent.order_id == order_id, AuditEvent.kind == "operator")
            rows = list(session.exec(query).all())
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.02)
    raise AssertionError(f"{count} operator audit rows expected for {order_id}, found {len(rows)}")
