"""Orders on the dev server send signed events to a real receiver on 127.0.0.1, which verifies
each with the reference library (standardwebhooks): retried through 500s, once per id, in order."""

import asyncio
import json
from collections import Counter
from pathlib import Path

from standardwebhooks import Webhook
from temporalio.testing import WorkflowEnvironment

from examples.webhook_receiver import Receiver
from orderflow.contract.commands import CancelOrder, ChooseDoorstep
from orderflow.contract.order import IdentMethod
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from tests.webhooks.stack import OPERATOR, eventually, receiving, running_pipeline, webhook_settings
from tests.workflows.harness import make_order, photos_for, wait_for_stage
from workflows.order import OrderWorkflow


def _types_by_order(receiver: Receiver) -> dict[str, list[str]]:
    by_order: dict[str, list[str]] = {}
    for event in receiver.events:
        by_order.setdefault(event["data"]["order_id"], []).append(event["type"])
    return by_order


async def test_events_arrive_verified_once_per_id_and_in_order_through_failures(
    dev_server_env: WorkflowEnvironment, tmp_path: Path
):
    settings = webhook_settings(tmp_path)
    async with running_pipeline(dev_server_env.client, settings) as p:
        receiver = Receiver(secret="", answers=[500, 500, 500, 503], on_event=lambda event: None)
        with receiving(receiver) as url:
            endpoint = await p.register(url, description="shop pages")
            assert endpoint["secret"].startswith("whsec_")
            receiver.secret = endpoint["secret"]

            online = make_order()
            p.fakes.verdicts = [PhotoVerdict.FAILED]
            await p.start_order(online)
            handle = dev_server_env.client.get_workflow_handle(f"order-{online.order_id}")
            await wait_for_stage(handle, Stage.AWAITING_IDENT)
            await handle.execute_update(OrderWorkflow.submit_photos, photos_for(online))
            await handle.execute_update(OrderWorkflow.choose_doorstep, ChooseDoorstep())
            cancelled = make_order(IdentMethod.DOORSTEP)
            await p.start_order(cancelled)
            await dev_server_env.client.get_workflow_handle(f"order-{cancelled.order_id}").execute_update(
                OrderWorkflow.cancel, CancelOrder(reason="changed my mind")
            )

            expected = {
                online.order_id: [
                    "order.received",
                    "ident.photo_failed",
                    "ident.doorstep_fallback",
                    "order.dispatched",
                ],
                cancelled.order_id: ["order.received", "order.cancelled"],
            }
            await eventually(lambda: _types_by_order(receiver) == expected, f"events {expected}")

            # Every request was signed right; the scripted failures were retried by Temporal.
            statuses = [r.status for r in receiver.requests]
            assert 401 not in statuses
            assert statuses[:4] == [500, 500, 500, 503]
            accepted = Counter(r.headers["webhook-id"] for r in receiver.requests if r.status < 300)
            assert set(accepted.values()) == {1}
            assert len(accepted) == 6
            for order_id in expected:
                sequences = [e["data"]["sequence"] for e in receiver.events if e["data"]["order_id"] == order_id]
                assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)

            # What the storefront gets: ids, stage, times and links, never names, e-mail or codes.
            for request in receiver.requests:
                assert len(request.body) <= 20_000
                text = request.body.decode()
                assert "Erika" not in text and "Mustermann" not in text and "@" not in text
            first = receiver.events[0]["data"]
            assert first["customer_no"] == "K-555001"
            assert first["links"]["status_url"].endswith(f"/orders/{first['order_id']}")
            assert "/track/" in first["links"]["tracking_url"]

            # Operators see every try of every delivery, the failed ones included.
            for _ in range(100):  # the receiver may answer before the try is recorded
                deliveries = await p.deliveries(endpoint["id"])
                if {d["state"] for d in deliveries} == {"delivered"}:
                    break
                await asyncio.sleep(0.1)
            assert len(deliveries) == 6
            assert {d["state"] for d in deliveries} == {"delivered"}
            tries = [a for d in deliveries for a in d["attempts"]]
            assert sorted(a["status_code"] for a in tries).count(500) == 3
            assert all(a["latency_ms"] is not None and a["latency_ms"] >= 0 for a in tries)
            failed_first = [d for d in deliveries if len(d["attempts"]) > 1]
            assert failed_first and failed_first[0]["attempts"][0]["error"].startswith("HTTP 5")

            # A manual redelivery sends the same webhook-id again, freshly signed.
            target = deliveries[-1]
            response = await p.http.post(
                f"/ops/webhooks/{endpoint['id']}/deliveries/{target['id']}/redeliver", headers=OPERATOR
            )
            assert response.status_code == 202, response.text
            await eventually(
                lambda: sum(r.headers["webhook-id"] == target["id"] for r in receiver.requests if r.status < 300) == 2,
                "the redelivery",
            )
            again = [r for r in receiver.requests if r.headers["webhook-id"] == target["id"]][-1]
            assert Webhook(endpoint["secret"]).verify(again.body, again.headers)["data"]["event_id"]
            # The receiver recognised the id and handled the event only once.
            assert len(receiver.events) == 6
            redelivered = next(d for d in await p.deliveries(endpoint["id"]) if d["id"] == target["id"])
            assert redelivered["attempts"][-1]["manual"] is True


async def test_410_disables_the_endpoint_without_retrying(dev_server_env: WorkflowEnvironment, tmp_path: Path):
    async with running_pipeline(dev_server_env.client, webhook_settings(tmp_path)) as p:
        receiver = Receiver(secret="", answers=[410], on_event=lambda event: None)
        with receiving(receiver) as url:
            endpoint = await p.register(url, event_types=["order.received"])
            receiver.secret = endpoint["secret"]
            await p.start_order(make_order(IdentMethod.NONE))
            await eventually(lambda: bool(receiver.requests), "the first try")

            async def endpoint_state() -> tuple[bool, list[dict]]:
                response = await p.http.get(f"/ops/webhooks/{endpoint['id']}", headers=OPERATOR)
                return response.json()["enabled"], await p.deliveries(endpoint["id"])

            for _ in range(200):
                enabled, deliveries = await endpoint_state()
                if not enabled and deliveries[0]["state"] == "failed":
                    break
                await asyncio.sleep(0.05)
            assert not enabled
            assert deliveries[0]["state"] == "failed"
            assert [a["status_code"] for a in deliveries[0]["attempts"]] == [410]
            assert len(receiver.requests) == 1
            listed = (await p.http.get("/ops/webhooks", headers=OPERATOR)).json()
            assert listed[0]["disabled_reason"] == "the endpoint answered 410 Gone"


async def test_a_rotated_secret_keeps_deliveries_verifiable(dev_server_env: WorkflowEnvironment, tmp_path: Path):
    async with running_pipeline(dev_server_env.client, webhook_settings(tmp_path)) as p:
        receiver = Receiver(secret="", on_event=lambda event: None)
        with receiving(receiver) as url:
            endpoint = await p.register(url, event_types=["order.received", "order.cancelled"])
            old = endpoint["secret"]
            receiver.secret = old
            response = await p.http.post(f"/ops/webhooks/{endpoint['id']}/rotate-secret", headers=OPERATOR)
            assert response.status_code == 200, response.text
            rotated = response.json()
            new = rotated["secret"]
            assert new != old and rotated["previous_secret_valid_until"] is not None
            # The secret is shown at create and rotate only.
            assert "secret" not in (await p.http.get(f"/ops/webhooks/{endpoint['id']}", headers=OPERATOR)).json()

            order = make_order(IdentMethod.DOORSTEP)
            await p.start_order(order)
            await eventually(lambda: len(receiver.events) == 1, "the event")
            request = receiver.requests[-1]
            # Signed with both: a receiver that has switched and one that has not yet both verify.
            assert len(request.headers["webhook-signature"].split(" ")) == 2
            for secret in (old, new):
                assert json.loads(request.body) == Webhook(secret).verify(request.body, request.headers)
