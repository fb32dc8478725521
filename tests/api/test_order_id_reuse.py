"""POST /orders refuses an order id the store knows, even after Temporal forgot its workflow
(the namespace's retention ended): a new order must not inherit the old one's codes and messages."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session
from temporalio.service import RPCError, RPCStatusCode

from orderflow.contract.order import workflow_id_for
from orderflow.store.orders import Order
from tests.api.stack import STOREFRONT
from tests.api.test_orders import order_body


def forgotten_order(engine, order_id: str) -> None:
    """An order's row as the store keeps it, long after its workflow left the namespace."""
    at = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    with Session(engine) as session:
        session.add(
            Order(
                order_id=order_id,
                customer_no="K-555001",
                ident_method="doorstep",
                total=Decimal("899.00"),
                currency="EUR",
                high_value=True,
                stage="delivered",
                stage_entered_at=at,
                created_at=at,
            )
        )
        session.commit()


async def test_an_order_id_the_store_knows_is_refused_with_409_before_anything_starts(api, engine):
    order_id = f"OLD-{uuid.uuid4().hex[:10]}"
    forgotten_order(engine, order_id)

    response = await api.http.post("/orders", json=order_body(order_id=order_id), headers=STOREFRONT)

    assert response.status_code == 409
    assert response.json()["code"] == "order_exists"
    assert order_id in response.json()["message"]
    with pytest.raises(RPCError) as missing:
        await api.h.client.get_workflow_handle(workflow_id_for(order_id)).describe()
    assert missing.value.status == RPCStatusCode.NOT_FOUND
