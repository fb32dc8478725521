"""An order whose workflow cannot answer its status query (a task it cannot run: a deploy it cannot replay,
a bug) is 503 `order_unavailable` to everyone who asks, never a 500: the chaos run found such an order's
tracking, storefront and courier requests answered 500."""

import uuid

from temporalio import workflow
from temporalio.worker import Worker

from orderflow.contract.commands import OrderStatus
from orderflow.contract.order import OrderInput
from orderflow.storefront import start_order
from tests.api.stack import COURIER, STOREFRONT
from tests.workflows.harness import make_order


@workflow.defn(name="OrderWorkflow", sandboxed=False)
class OrderThatCannotAnswer:
    """Runs under the order's contract names; its every status query fails as a broken task's does."""

    @workflow.run
    async def run(self, order: OrderInput) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.query(name="status")
    def status(self) -> OrderStatus:
        raise RuntimeError("this order's tasks cannot run")


async def test_an_order_that_cannot_answer_is_503_for_every_audience(skipping_api):
    api = skipping_api
    queue = f"broken-{uuid.uuid4()}"
    order = make_order(unit_price="899.00")
    async with Worker(api.h.client, task_queue=queue, workflows=[OrderThatCannotAnswer]):
        await start_order(api.h.client, order, task_queue=queue)

        api_answers = [
            await api.http.get(f"/orders/{order.order_id}", headers=STOREFRONT),
            await api.http.get(f"/courier/deliveries/{order.order_id}", headers=COURIER),
        ]
        page = await api.http.get(api.track_path(order.order_id))

    for answer in api_answers:
        assert answer.status_code == 503, (answer.request.url, answer.text)
        assert answer.json()["code"] == "order_unavailable"
    assert page.status_code == 503
    assert "unverändert" in page.text  # the customer page: nothing was lost
