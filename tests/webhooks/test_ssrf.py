"""Server-side request forgery: in production, loopback, link-local and private addresses are
refused when an endpoint is registered and again before every try; only https is accepted."""

import base64
import os
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from activities.webhooks.deliver import DeliverActivities
from api.main import create_app
from examples.webhook_receiver import Receiver
from orderflow.contract.webhook_events import OrderEvent, WebhookEventType
from orderflow.crypto import data_keys
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from orderflow.store.webhooks import WebhookDelivery
from orderflow.webhooks.addresses import AddressRefused, resolve
from orderflow.webhooks.contract import ADDRESS_REFUSED, DeliverWebhook
from orderflow.webhooks.ledger import Ledger
from orderflow.webhooks.payload import event_body
from orderflow.webhooks.registry import Registry
from tests.webhooks.stack import OPERATOR, receiving, webhook_settings

REFUSED = [
    "https://127.0.0.1/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/hooks",
    "https://localhost/hooks",  # a hostname that resolves to loopback
    "https://[::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://100.64.0.1/hooks",
    "https://192.168.1.10/hooks",
]

EVENT = OrderEvent(
    order_id="A-1",
    customer_no="K-1",
    type=WebhookEventType.ORDER_RECEIVED,
    stage="received",
    sequence=1,
    occurred_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
)


def production_settings(data_dir: Path) -> Settings:
    secret = base64.b64encode(os.urandom(32)).decode()
    return Settings(
        env="production",
        data_dir=data_dir,
        storefront_token="sf-" + os.urandom(8).hex(),
        agent_tokens="agent-1:" + os.urandom(8).hex(),
        courier_tokens="courier-1:" + os.urandom(8).hex(),
        operator_tokens="ops-1:ops-1-test-token",
        link_secret=os.urandom(16).hex(),
        data_key=secret,
        mail_dry_run=True,
    )


@pytest.mark.parametrize("url", REFUSED)
def test_non_public_addresses_are_refused_without_a_request(url: str):
    # resolve() only looks the name up; nothing is sent anywhere.
    with pytest.raises(AddressRefused, match="non-public address"):
        resolve(url, allow_private=False)


@pytest.mark.parametrize("url", ["http://example.org/hooks", "ftp://example.org/", "https://user:pw@example.org/"])
def test_only_plain_https_urls_outside_dev_and_test(url: str):
    with pytest.raises(AddressRefused):
        resolve(url, allow_private=False)


def test_production_refuses_the_private_address_switch(tmp_path: Path):
    with pytest.raises(ValueError, match="ORDERFLOW_WEBHOOKS_ALLOW_PRIVATE"):
        production_settings(tmp_path).model_validate(
            {**production_settings(tmp_path).model_dump(), "webhooks_allow_private": True}
        )


async def test_registration_refuses_non_public_addresses_in_production(
    dev_server_env: WorkflowEnvironment, tmp_path: Path
):
    app = create_app(production_settings(tmp_path), temporal=dev_server_env.client)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            for url in [*REFUSED, "http://127.0.0.1:9/hooks"]:
                response = await http.post("/ops/webhooks", json={"url": url}, headers=OPERATOR)
                assert response.status_code == 422, (url, response.text)
                assert response.json()["code"] == "webhook_url_refused"
            assert (await http.get("/ops/webhooks", headers=OPERATOR)).json() == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_delivery_refuses_a_loopback_address_in_production(tmp_path: Path, host: str):
    """Registered while allowed (or its DNS changed since): the try itself checks again and sends nothing."""
    allowed = webhook_settings(tmp_path)
    engine = make_engine(allowed.sqlalchemy_url)
    migrate(engine)
    receiver = Receiver(secret="", on_event=lambda event: None)
    with receiving(receiver) as url:
        registry = Registry(engine, data_keys(allowed))
        endpoint, secret = registry.create(url.replace("127.0.0.1", host), ["order.received"], "")
        receiver.secret = secret
        ledger = Ledger(engine)
        ledger.add_once(
            WebhookDelivery(
                id="msg_0a1b2c",
                endpoint_id=endpoint.id,
                event_id="evt_0a1b2c",
                order_id="A-1",
                event_type="order.received",
                sequence=1,
                payload=event_body(allowed, EVENT),
                created_at=datetime.now(UTC),
            )
        )
        production = allowed.model_copy(update={"env": "production", "webhooks_allow_private": False})
        with pytest.raises(ApplicationError) as refused:
            DeliverActivities(registry, ledger, production).deliver_webhook(DeliverWebhook(delivery_id="msg_0a1b2c"))
        assert refused.value.type == ADDRESS_REFUSED and refused.value.non_retryable
        assert receiver.requests == []
        delivery, tries = ledger.of_endpoint(endpoint.id, 10)[0]
        assert delivery.state == "failed"
        assert tries[0].error.startswith("address refused")

        # The same endpoint with private addresses allowed (dev/test) is reached, pinned to the
        # checked address with the hostname in the Host header.
        ledger.reopen("msg_0a1b2c")
        outcome = DeliverActivities(registry, ledger, allowed).deliver_webhook(DeliverWebhook(delivery_id="msg_0a1b2c"))
        assert outcome.state == "delivered"
        assert receiver.requests[0].headers["host"].startswith(host)
        assert receiver.requests[0].status == 204
