"""A courier whose report cannot reach the order because no worker runs it (dev server): the API
tells the courier the attempt will not count against the customer, and tells the order so by signal
(signals reach the server without a worker)."""

import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle

from api import workflow_calls
from orderflow.contract.commands import CourierTurnedAway
from orderflow.storefront import start_order
from tests.api.stack import COURIER
from tests.workflows.harness import make_order

ANSWER_WITHIN = 20.0  # the patience below, with room for a busy machine


@pytest.fixture
def short_patience(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workflow_calls, "QUERY_PATIENCE", 1.0)
    monkeypatch.setattr(workflow_calls, "UPDATE_PATIENCE", 1.0)


async def order_nobody_runs(api) -> tuple[str, WorkflowHandle]:
    """An order on a task queue no worker polls: every query and update waits in vain."""
    order = make_order(unit_price="899.00")
    handle = await start_order(api.h.client, order, task_queue=f"nobody-{uuid.uuid4()}")
    return order.order_id, handle


async def turned_away_signals(handle: WorkflowHandle) -> list[CourierTurnedAway]:
    converter = handle._client.data_converter
    found = []
    async for event in handle.fetch_history_events():
        if event.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            continue
        signaled = event.workflow_execution_signaled_event_attributes
        if signaled.signal_name == "courier_turned_away":
            [report] = await converter.decode(signaled.input.payloads, [CourierTurnedAway])
            found.append(report)
    return found


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("handover", {"attempt": 2, "code": "123456"}),
        ("failed-attempt", {"attempt": 2, "reason": "not_home"}),
    ],
)
async def test_a_report_no_worker_can_take_is_turned_away_and_spares_the_attempt(api, short_patience, path, body):
    order_id, handle = await order_nobody_runs(api)

    response = await api.http.post(
        f"/courier/deliveries/{order_id}/{path}", json=body, headers=COURIER, timeout=ANSWER_WITHIN
    )

    assert response.status_code == 503, response.text
    answer = response.json()
    assert answer["code"] == "orderflow_unavailable"
    assert "will not count against the customer" in answer["message"] and "again" in answer["message"]
    assert "123456" not in response.text
    assert [report.attempt for report in await turned_away_signals(handle)] == [2]


async def test_a_report_a_worker_takes_sends_no_turned_away(api):
    # The ordinary refusal (the order is not out for delivery) stays a 409 and says nothing of an outage.
    order = make_order(unit_price="899.00")
    handle = await api.h.start(order)

    response = await api.http.post(
        f"/courier/deliveries/{order.order_id}/handover", json={"attempt": 1, "id_checked": True}, headers=COURIER
    )

    assert response.status_code == 409, response.text
    assert await turned_away_signals(handle) == []
