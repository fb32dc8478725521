"""A store record the database refuses for good must not keep an order open.

The workflow waits for its background writes before it closes; the store activity turns a refusal
that can never succeed into a non-retryable failure, so the order still reaches its final stage.
Real store activities on PostgreSQL, whose audit `actor` column is narrower than the operator's id
needs (as an old or hand-edited schema might be).
"""

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from orderflow.contract.commands import CancelOrder
from orderflow.contract.stages import Stage
from orderflow.settings import Settings
from orderflow.store.audit import AuditEvent
from orderflow.store.engine import make_engine
from orderflow.store.orders import Order
from orderflow.store.schema import migrate
from tests.abuse.store_helpers import rows
from tests.db import postgres_schema
from tests.workflows.harness import make_order, running_order_worker
from workflows.order import OrderWorkflow

OPERATOR = "ops-" + "o" * 40


@pytest.fixture
def narrow_store() -> Iterator[tuple[Engine, str]]:
    with postgres_schema("narrowwf") as url:
        engine = make_engine(url)
        migrate(engine)
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE auditevent ALTER COLUMN actor TYPE VARCHAR(20)"))
        yield engine, url
        engine.dispose()


async def test_an_order_whose_operator_record_is_refused_still_closes(
    time_skipping_env, settings: Settings, narrow_store
):
    engine, url = narrow_store
    on_postgres = settings.model_copy(update={"database_url": url})
    async with running_order_worker(time_skipping_env.client, engine, on_postgres) as h:
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)

        result = await handle.execute_update(
            OrderWorkflow.cancel, CancelOrder(reason="customer called the hotline", operator_id=OPERATOR)
        )
        # Bounded: on a store that retries the refused record for ever, the order never closes.
        final = await asyncio.wait_for(handle.result(), timeout=60)

    assert result.cancelled and final.stage == Stage.CANCELLED
    events = rows(engine, AuditEvent, order.order_id)
    assert [e.kind for e in events if e.actor.startswith("operator:")] == []  # the refused row
    assert "cancelled" in [e.stage for e in events if e.kind == "stage"]
    [row] = rows(engine, Order, order.order_id)
    assert row.stage == "cancelled"
