"""Metrics after a run: the API's request metrics at GET /metrics, and a worker runtime's
Prometheus endpoint with the SDK's metrics, activity latency and the workflow's business counters."""

import socket

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import CancelOrder
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from orderflow.metrics import with_activity_metrics, worker_runtime
from orderflow.temporal import connect
from tests.ops.conftest import OPERATOR
from tests.workflows.harness import make_order, photos_for, running_order_worker, wait_for_stage


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus text page, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(page: dict, name: str, **labels: str) -> float:
    """The sum over the samples of `name` whose labels include `labels` (0 when there are none)."""
    wanted = set(labels.items())
    return sum(v for (n, sample_labels), v in page.items() if n == name and wanted <= sample_labels)


async def test_api_counts_requests_by_route_status_and_latency(ops_api):
    http = ops_api.http
    before = samples((await http.get("/metrics")).text)

    await http.get("/healthz")
    await http.get("/healthz")
    await http.get("/ops/stuck")  # no token: 401
    await http.get("/ops/stuck", params={"older_than": "PT0S", "stage": "photo_check"}, headers=OPERATOR)
    await http.get("/orders/A-1001")  # no token either; the label is the route, not the order
    await http.get("/no/such/page")
    await _boom(ops_api.app)

    response = await http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    after = samples(response.text)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "orderflow_http_requests_total"
    assert grew(requests, method="GET", route="/healthz", status="200") == 2
    assert grew(requests, method="GET", route="/ops/stuck", status="401") == 1
    assert grew(requests, method="GET", route="/ops/stuck", status="200") == 1
    assert grew(requests, method="GET", route="/orders/{order_id}", status="401") == 1
    assert grew(requests, method="GET", route="<unmatched>", status="404") == 1
    assert grew("orderflow_http_request_duration_seconds_count", method="GET", route="/healthz") == 2
    assert grew("orderflow_http_server_errors_total", method="GET", route="/boom") == 1
    assert "A-1001" not in response.text


async def _boom(app: FastAPI) -> None:
    """A request that ends in an unexpected exception: answered 500 and counted as a server error."""

    async def boom() -> None:
        raise RuntimeError("bug")

    app.add_api_route("/boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        assert (await http.get("/boom")).status_code == 500


async def test_worker_runtime_serves_sdk_activity_and_business_metrics(dev_server_env, engine, settings):
    port = _free_port()
    runtime = worker_runtime(f"127.0.0.1:{port}")
    target = dev_server_env.client.service_client.config.target_host
    client = with_activity_metrics(
        await connect(settings.model_copy(update={"temporal_address": target}), runtime=runtime)
    )
    async with running_order_worker(client, engine, settings) as h:
        h.fakes.verdicts = [PhotoVerdict.PASSED]
        order = make_order(unit_price="99.00")
        passed = await h.start_at_stage(order, Stage.AWAITING_IDENT)
        await passed.execute_update(OrderWorkflowContract.submit_photos, photos_for(order))
        await wait_for_stage(passed, Stage.DISPATCHED)
        cancelled = await h.start_at_stage(make_order(), Stage.AWAITING_IDENT)
        await cancelled.execute_update(OrderWorkflowContract.cancel, CancelOrder(reason="changed my mind"))
        await cancelled.result()
        await passed.terminate("test over")

    async with httpx.AsyncClient() as http:
        page = samples((await http.get(f"http://127.0.0.1:{port}/metrics")).text)

    # The SDK's own metrics, per activity type.
    assert value(page, "temporal_activity_execution_latency_count", activity_type="record_order") >= 2
    # Photo-ident latency, by verdict (recorded by the interceptor on every worker of the client).
    assert value(page, "orderflow_activity_latency_count", activity_type="photo_ident", outcome="passed") == 1
    # The workflow's business counters (workflows/order_core.py `OrderCore.count`). The runtime exposes counters
    # without a suffix (`orderflow_orders_finished`); the parser names their samples `..._total`.
    assert value(page, "orderflow_orders_finished_total", stage="cancelled") == 1
    assert value(page, "orderflow_ident_outcomes_total", outcome="photo_passed") == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
