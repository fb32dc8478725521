"""Starting an order exactly once: what `POST /orders` and storefront scripts call."""

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from orderflow import task_queues
from orderflow.commands import OrderStatus
from orderflow.order import OrderInput, workflow_id_for


async def start_order(client: Client, order: OrderInput, task_queue: str = task_queues.ORDERS) -> WorkflowHandle:
    """Starts `OrderWorkflow`; raises `temporalio.exceptions.WorkflowAlreadyStartedError` when an order
    with this id exists, running or finished: an order id is never used twice."""
    return await client.start_workflow(
        "OrderWorkflow",
        order,
        id=workflow_id_for(order.order_id),
        task_queue=task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        result_type=OrderStatus,
    )
