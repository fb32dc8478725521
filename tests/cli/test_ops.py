"""`python -m orderflow.cli.ops`: stuck orders in the terminal, search attributes on any cluster."""

import asyncio
import json
import os
import subprocess
import sys
import uuid

from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest

from orderflow.cli import ops as cli
from orderflow.contract import search_attributes
from orderflow.contract.stages import Stage
from tests.ops.conftest import indexed
from tests.workflows.harness import make_order, running_order_worker


async def test_stuck_lists_orders_with_their_ui_links(dev_server_env, engine, settings):
    client = dev_server_env.client
    async with running_order_worker(client, engine, settings) as h:
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
        await indexed(client, {handle.id: Stage.AWAITING_IDENT})
        arguments = ["stuck", "--stage", "awaiting_ident", "--older-than", "PT0S"]

        table = await cli.stuck(client, settings, cli.parser().parse_args(arguments))
        as_json = await cli.stuck(client, settings, cli.parser().parse_args([*arguments, "--json"]))
        await handle.terminate("test over")

    [line] = [line for line in table.splitlines() if order.order_id in line]
    assert "awaiting_ident" in line and line.endswith(f"/namespaces/default/workflows/{handle.id}")
    [found] = [json.loads(line) for line in as_json.splitlines() if order.order_id in line]
    assert found["stage"] == "awaiting_ident" and found["threshold"] == "PT0S"


def test_bad_duration_is_refused_with_a_hint(capsys):
    exit_code = subprocess.run(
        [sys.executable, "-m", "orderflow.cli.ops", "stuck", "--older-than", "2 hours"], capture_output=True, text=True
    )
    assert exit_code.returncode == 2 and "ISO 8601" in exit_code.stderr


async def test_setup_search_attributes_on_a_fresh_namespace_is_idempotent(dev_server_env):
    client = dev_server_env.client
    namespace = f"ops-{uuid.uuid4().hex[:8]}"
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400))
    )
    environment = {
        **os.environ,
        "ORDERFLOW_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "ORDERFLOW_TEMPORAL_NAMESPACE": namespace,
    }
    command = [sys.executable, "-m", "orderflow.cli.ops", "setup-search-attributes"]

    first = await _run_until_the_namespace_is_known(command, environment)
    again = await asyncio.to_thread(subprocess.run, command, env=environment, capture_output=True, text=True)

    assert all(key.name in first for key in search_attributes.ALL)
    assert again.returncode == 0 and "none, all were there" in again.stdout


async def _run_until_the_namespace_is_known(command: list[str], environment: dict[str, str]) -> str:
    # A new namespace reaches the frontend's cache within seconds; until then it is "not found".
    for _ in range(20):
        run = await asyncio.to_thread(subprocess.run, command, env=environment, capture_output=True, text=True)
        if run.returncode == 0:
            return run.stdout
        assert run.returncode == 1 and "not found" in run.stderr, run.stderr
        await asyncio.sleep(0.5)
    raise AssertionError("the namespace never became usable")
