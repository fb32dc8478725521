"""Storefront: POST /orders, GET /orders/{id}, POST /orders/{id}/cancel."""

import uuid
from decimal import Decimal

from orderflow.contract.order import IdentMethod, workflow_id_for
from orderflow.contract.stages import Stage
from tests.api.stack import AGENT_7, STOREFRONT, running_api
from tests.workflows.harness import make_order, wait_for_stage


def order_body(ident_method: IdentMethod = IdentMethod.ONLINE, **changes) -> dict:
    body = make_order(ident_method=ident_method).model_dump(mode="json", exclude={"policy"})
    return {**body, **changes}


async def test_create_order_answers_201_with_links(api):
    body = order_body()

    response = await api.http.post("/orders", json=body, headers=STOREFRONT)

    assert response.status_code == 201
    created = response.json()
    order_id = body["order_id"]
    assert created["order_id"] == order_id
    assert created["status_url"] == f"{api.settings.public_base_url}/orders/{order_id}"
    assert response.headers["location"] == created["status_url"]
    assert created["tracking_url"].startswith(f"{api.settings.public_base_url}/track/{order_id}.track.")
    assert created["ident_url"].startswith(f"{api.settings.public_base_url}/ident/{order_id}.ident.")
    status = await api.http.get(f"/orders/{order_id}", headers=STOREFRONT)
    assert status.status_code == 200
    assert status.json()["order_id"] == order_id
    assert status.json()["ident_method"] == "online"


async def test_order_without_online_ident_has_no_ident_link(api):
    response = await api.http.post("/orders", json=order_body(IdentMethod.DOORSTEP), headers=STOREFRONT)

    assert response.status_code == 201
    assert response.json()["ident_url"] is None


async def test_existing_order_id_is_refused_with_409(api):
    body = order_body()
    assert (await api.http.post("/orders", json=body, headers=STOREFRONT)).status_code == 201

    again = await api.http.post("/orders", json=order_body(order_id=body["order_id"]), headers=STOREFRONT)

    assert again.status_code == 409
    assert again.json()["code"] == "order_exists"
    assert body["order_id"] in again.json()["message"]


async def test_storefront_token_is_required(api):
    body = order_body()
    for headers in ({}, {"Authorization": "Bearer wrong"}, AGENT_7, {"Authorization": "Basic abc"}):
        response = await api.http.post("/orders", json=body, headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert (await api.http.get(f"/orders/{body['order_id']}")).status_code == 401
    assert (await api.http.post(f"/orders/{body['order_id']}/cancel")).status_code == 401
    # Nothing was started by the refused requests.
    assert (await api.http.get(f"/orders/{body['order_id']}", headers=STOREFRONT)).status_code == 404


async def test_invalid_order_is_refused_with_422_without_echoing_it(api):
    body = order_body()
    body["customer"]["email"] = "not-an-address"
    body["items"] = []

    response = await api.http.post("/orders", json=body, headers=STOREFRONT)

    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "invalid_request"
    assert "customer.email" in answer["message"] and "items" in answer["message"]
    assert "not-an-address" not in response.text


async def test_policy_cannot_be_set_through_the_api(api):
    response = await api.http.post("/orders", json=order_body(policy={"code_tries": 1000}), headers=STOREFRONT)

    assert response.status_code == 422


async def test_unknown_order_is_404_and_a_malformed_id_422(api):
    missing = await api.http.get(f"/orders/NOPE-{uuid.uuid4().hex}", headers=STOREFRONT)
    assert missing.status_code == 404
    assert missing.json() == {"code": "order_not_found", "message": "there is no order with this id"}

    assert (await api.http.get("/orders/..%2Fetc", headers=STOREFRONT)).status_code in (404, 422)
    assert (await api.http.get("/orders/a%20b", headers=STOREFRONT)).status_code == 422
    cancel = await api.http.post(f"/orders/NOPE-{uuid.uuid4().hex}/cancel", headers=STOREFRONT)
    assert cancel.status_code == 404


async def test_cancel_before_dispatch_then_409(api):
    body = order_body()
    await api.http.post("/orders", json=body, headers=STOREFRONT)
    order_id = body["order_id"]

    response = await api.http.post(
        f"/orders/{order_id}/cancel", json={"reason": "customer withdrew"}, headers=STOREFRONT
    )

    assert response.status_code == 200
    assert response.json() == {"cancelled": True, "stage": "cancelled"}
    again = await api.http.post(f"/orders/{order_id}/cancel", headers=STOREFRONT)
    assert again.status_code == 409
    assert again.json()["code"] == "order_closed"
    status = (await api.http.get(f"/orders/{order_id}", headers=STOREFRONT)).json()
    assert status["stage"] == "cancelled" and status["cancel_reason"] == "customer withdrew"


async def test_cancel_after_dispatch_is_refused_and_harmless(api):
    order = make_order(ident_method=IdentMethod.NONE)
    handle = await api.h.start(order)
    await wait_for_stage(handle, Stage.DISPATCHED)

    response = await api.http.post(f"/orders/{order.order_id}/cancel", headers=STOREFRONT)

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_stage"
    assert "left the warehouse" in response.json()["message"]
    status = (await api.http.get(f"/orders/{order.order_id}", headers=STOREFRONT)).json()
    assert status["stage"] == "dispatched" and status["cancel_reason"] is None


async def test_cancel_body_is_validated(api):
    body = order_body()
    await api.http.post("/orders", json=body, headers=STOREFRONT)

    response = await api.http.post(f"/orders/{body['order_id']}/cancel", json={"reason": "x" * 501}, headers=STOREFRONT)

    assert response.status_code == 422
    status = (await api.http.get(f"/orders/{body['order_id']}", headers=STOREFRONT)).json()
    assert status["stage"] != "cancelled"


async def test_the_api_and_the_orders_worker_judge_the_value_by_one_policy(dev_server_env, engine, settings):
    # Both read the shop's settings through Settings.order_policy(): a lowered threshold reaches both.
    lowered = settings.model_copy(update={"high_value_threshold": Decimal("250.00")})
    body = make_order(IdentMethod.NONE, unit_price="300.00").model_dump(mode="json", exclude={"policy"})
    async with running_api(dev_server_env.client, engine, lowered) as api:
        assert (await api.http.post("/orders", json=body, headers=STOREFRONT)).status_code == 201
        handle = api.h.client.get_workflow_handle(workflow_id_for(body["order_id"]))
        status = await wait_for_stage(handle, Stage.DISPATCHED)
        summary = await (await handle.describe()).static_summary()
        await handle.terminate("test over")

    assert status.high_value
    assert summary is not None and "high value, delivery code (300.00 EUR)" in summary
