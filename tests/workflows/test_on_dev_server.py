"""Against the real dev server: an order id is never used twice, and operators find orders
through the search attributes."""

import asyncio
import uuid

import pytest
from temporalio.exceptions import WorkflowAlreadyStartedError

from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from orderflow.storefront import start_order
from tests.workflows.harness import make_order, running_order_worker, wait_for_stage


async def test_duplicate_start_never_makes_a_second_order(dev_server_env, engine, settings):
    order = make_order(order_id=f"DUP-{uuid.uuid4().hex[:8]}")
    queue = f"orders-{uuid.uuid4().hex}"  # no worker: the first order just waits
    first = await start_order(dev_server_env.client, order, task_queue=queue)

    with pytest.raises(WorkflowAlreadyStartedError):
        await start_order(dev_server_env.client, order, task_queue=queue)
    await first.terminate("order closed")
    with pytest.raises(WorkflowAlreadyStartedError):
        await start_order(dev_server_env.client, order, task_queue=queue)

    runs = [w async for w in dev_server_env.client.list_workflows(f"WorkflowId = '{first.id}'")]
    assert len(runs) == 1


async def test_search_attributes_visible_through_list_workflows(dev_server_env, engine, settings):
    customer_no = f"K-{uuid.uuid4().hex[:8]}"
    async with running_order_worker(dev_server_env.client, engine, settings) as h:
        online = make_order(IdentMethod.ONLINE)
        online.customer.customer_no = customer_no
        none = make_order(IdentMethod.NONE, unit_price="49.00")
        none.customer.customer_no = customer_no
        waiting = await h.start_at_stage(online, Stage.AWAITING_IDENT)
        shipped = await h.start(none)
        await wait_for_stage(shipped, Stage.DISPATCHED)

        query = f"CustomerNo = '{customer_no}' AND OrderStage = 'awaiting_ident' AND HighValue = true"
        found = await _list_eventually(dev_server_env.client, query, expected=1)

        assert [w.id for w in found] == [waiting.id]
        attributes = found[0].typed_search_attributes
        assert {p.key.name for p in attributes} >= {"OrderStage", "IdentMethod", "IdentOutcome", "StageEnteredAt"}
        assert {p.key.name: p.value for p in attributes}["IdentDeadline"] is not None
        dispatched = await _list_eventually(
            dev_server_env.client, f"CustomerNo = '{customer_no}' AND OrderStage = 'dispatched'", expected=1
        )
        assert [w.id for w in dispatched] == [shipped.id]
        description = await waiting.describe()
        assert (
            await description.static_summary()
            == f"Order {online.order_id} · ident online · high value, delivery code (899.00 EUR)"
        )
        metadata = await waiting.query("__temporal_workflow_metadata")
        assert metadata.current_details.startswith("Waiting for the customer's ID photos (3 tries left)")
        # No names or e-mail addresses in what operators search.
        values = " ".join(str(p.value) for p in attributes)
        assert "Mustermann" not in values and "@" not in values


async def _list_eventually(client, query: str, expected: int):
    # Visibility is eventually consistent: give the dev server a moment to index.
    for _ in range(100):
        found = [w async for w in client.list_workflows(query)]
        if len(found) >= expected:
            return found
        await asyncio.sleep(0.1)
    return found
