"""Starting an order exactly once: what `POST /orders` and storefront scripts call."""

import anyio.to_thread
from sqlalchemy import Engine
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from orderflow.contract import names, task_queues
from orderflow.contract.client import OrderClient
from orderflow.contract.order import OrderInput, workflow_id_for
from orderflow.contract.policy import OrderPolicy
from orderflow.store.orders import order_known


def summary(order: OrderInput, policy: OrderPolicy) -> str:
    """The line operators see in the Temporal UI's list: no names, no addresses."""
    band = "high value, delivery code" if order.total >= policy.high_value_threshold else "standard value"
    return f"Order {order.order_id} · ident {order.ident_method.value} · {band} ({order.total} {order.currency})"


async def start_order(
    client: Client,
    order: OrderInput,
    task_queue: str = task_queues.ORDERS,
    policy: OrderPolicy | None = None,
    engine: Engine | None = None,
) -> WorkflowHandle:
    """Starts `OrderWorkflow`; raises `temporalio.exceptions.WorkflowAlreadyStartedError` when an order
    with this id exists, running or finished: an order id is never used twice.

    With `engine`, the store is asked first: once the namespace's retention has removed a finished
    workflow, Temporal would start a second one under its id, and the new order would meet the old
    one's delivery codes, message ledger and audit trail. The store keeps every order id.

    `policy` is the shop's (`Settings.order_policy()`, what the orders worker records for the order),
    read here for the summary's value band; an order that carries its own policy is summarised by that one.
    """
    workflow_id = workflow_id_for(order.order_id)
    if engine is not None and await anyio.to_thread.run_sync(order_known, engine, order.order_id):
        raise WorkflowAlreadyStartedError(workflow_id, names.WORKFLOW)
    return await OrderClient(client).start(
        order,
        task_queue=task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        static_summary=summary(order, order.policy or policy or OrderPolicy()),
    )
