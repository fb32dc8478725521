"""An operator's `temporal workflow reset` (docs/operators.md, after a bad deploy) gives the order a new run:
the store recognises it as the same order, also when the reset re-runs the very first workflow task."""

import uuid

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest

from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import CancelOrder
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from tests.workflows.harness import make_order, running_order_worker, wait_for_stage


async def test_a_reset_to_the_first_workflow_task_is_the_same_order(dev_server_env, engine, settings):
    client = dev_server_env.client
    async with running_order_worker(client, engine, settings) as h:
        handle = await h.start_at_stage(make_order(IdentMethod.ONLINE, unit_price="99.00"), Stage.AWAITING_IDENT)
        history = await handle.fetch_history()
        first_task = next(
            e.event_id for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        )

        reset = await client.workflow_service.reset_workflow_execution(
            ResetWorkflowExecutionRequest(
                namespace=client.namespace,
                workflow_execution=WorkflowExecution(workflow_id=handle.id),
                reason="runbook: reset past a bad deploy",
                workflow_task_finish_event_id=first_task,
                request_id=str(uuid.uuid4()),
            )
        )

        new_run = client.get_workflow_handle(handle.id, run_id=reset.run_id)
        status = await wait_for_stage(new_run, Stage.AWAITING_IDENT)
        assert status.stage == Stage.AWAITING_IDENT
        await new_run.execute_update(OrderWorkflowContract.cancel, CancelOrder(reason="test over"))
        assert (await new_run.result())["stage"] == "cancelled"
