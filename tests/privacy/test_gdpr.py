"""Per-customer export and erasure (GDPR): library and operator endpoint (the CLI: tests/cli/test_privacy.py)."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from api import errors
from api.auth import Tokens
from api.routes import privacy as privacy_routes
from orderflow import privacy
from orderflow.delivery_codes import find_code
from orderflow.settings import Settings
from orderflow.store.ident import IdentAttempt, VideoSession
from orderflow.store.orders import Order
from orderflow.store.outbox import SentMessage
from tests.privacy.codec_api import OPERATOR
from tests.privacy.customer_data import audit_notes, customer_with_an_order


def test_export_holds_everything_stored_about_the_customer(any_engine, blobs):
    customer = customer_with_an_order(any_engine, blobs)

    data = privacy.export_customer(any_engine, blobs, customer.customer_no, "operator:op-1")

    [order] = data.orders
    assert order.order.order_id == customer.order_id and order.order.stage == "delivered"
    assert [m.to_email for m in order.messages] == ["erika@example.org"]
    assert [a.verdict for a in order.ident_attempts] == ["passed"]
    assert [v.reason for v in order.video_sessions] == ["looked like her sister"]
    assert [a.outcome for a in order.delivery_attempts] == ["delivered"]
    assert order.stored_images == sorted(customer.images)
    assert "123456" not in data.model_dump_json()  # delivery codes are not the customer's data to take
    assert audit_notes(any_engine, customer.order_id) == [("operator:op-1", "personal data exported")]


def test_erasure_removes_personal_data_and_keeps_the_commercial_record(any_engine, blobs):
    customer = customer_with_an_order(any_engine, blobs)

    erasure = privacy.erase_customer(any_engine, blobs, customer.customer_no, "operator:op-1")

    assert (erasure.orders, erasure.images_deleted, erasure.messages_redacted) == ([customer.order_id], 2, 1)
    with Session(any_engine) as session:
        order = session.get(Order, customer.order_id)
        message = session.get(SentMessage, f"{customer.order_id}:delivered:0")
        video = session.get(VideoSession, f"vs-{customer.order_id}")
        attempts = session.exec(select(IdentAttempt).where(IdentAttempt.order_id == customer.order_id)).all()
    assert order is not None and order.customer_no.startswith("erased-") and order.total == 899
    assert message is not None and message.status == "captured"  # still guards against a second e-mail
    assert "Mustermann" not in message.model_dump_json() and "erika" not in message.model_dump_json()
    assert video is not None and video.reason == "[erased]"
    assert attempts == []
    assert find_code(any_engine, customer.order_id, 1) is None
    assert not (blobs.root / customer.order_id).exists()
    assert audit_notes(any_engine, customer.order_id) == [("operator:op-1", "personal data erased")]
    assert privacy.export_customer(any_engine, blobs, customer.customer_no, "operator:op-1").orders == []
    assert privacy.erase_customer(any_engine, blobs, customer.customer_no, "operator:op-1").orders == []


def test_erasure_waits_until_the_orders_are_finished(any_engine, blobs):
    customer = customer_with_an_order(any_engine, blobs, stage="out_for_delivery")

    with pytest.raises(privacy.OrdersInProgress) as refused:
        privacy.erase_customer(any_engine, blobs, customer.customer_no, "operator:op-1")

    assert refused.value.order_ids == [customer.order_id]
    assert all(blobs.path(ref).exists() for ref in customer.images)


@pytest.fixture
async def operator_api(any_engine, blobs, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.settings, app.state.engine, app.state.blobs = settings, any_engine, blobs
    app.state.tokens = Tokens(settings)
    errors.install(app)
    app.include_router(privacy_routes.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as client:
        yield client


async def test_operator_endpoints(operator_api, any_engine, blobs):
    done = customer_with_an_order(any_engine, blobs)
    running = customer_with_an_order(any_engine, blobs, stage="awaiting_dispatch")

    anonymous = await operator_api.get(f"/ops/customers/{done.customer_no}/personal-data")
    exported = await operator_api.get(f"/ops/customers/{done.customer_no}/personal-data", headers=OPERATOR)
    refused = await operator_api.post(f"/ops/customers/{running.customer_no}/erasure", headers=OPERATOR)
    erased = await operator_api.post(f"/ops/customers/{done.customer_no}/erasure", headers=OPERATOR)

    assert anonymous.status_code == 401
    assert exported.status_code == 200 and exported.json()["orders"][0]["order"]["order_id"] == done.order_id
    assert refused.status_code == 409 and refused.json()["code"] == "orders_in_progress"
    assert erased.status_code == 200 and erased.json()["images_deleted"] == 2
    assert audit_notes(any_engine, done.order_id) == [
        ("operator:operator-1", "personal data exported"),
        ("operator:operator-1", "personal data erased"),
    ]
