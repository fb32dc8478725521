"""Fixtures for the messaging tests: a fake SendGrid server, both real databases, a customer."""

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from activities.messaging.compose import Composer
from orderflow.contract.messages import Event, MessageRequest
from orderflow.contract.order import Customer
from orderflow.crypto import data_keys, load_key
from orderflow.delivery_codes import live_code, seal_code
from orderflow.settings import Settings
from orderflow.store.codes import DeliveryCode
from orderflow.temporal import data_converter
from stack_drivers.fake_sendgrid import API_KEY, FakeSendGrid


@pytest.fixture
def fake_sendgrid() -> Iterator[FakeSendGrid]:
    fake = FakeSendGrid()
    fake.start()
    yield fake
    fake.stop()


def messaging_settings(tmp_path: Path, sendgrid_host: str | None) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        public_base_url="https://shop.example",
        sendgrid_api_key=API_KEY if sendgrid_host else None,
        sendgrid_host=sendgrid_host or "http://127.0.0.1:9",
        mail_from="service@orderflow.example",
        mail_from_name="orderflow Kundenservice",
        timezone="Europe/Berlin",
    )


@pytest.fixture
def sendgrid_settings(tmp_path: Path, fake_sendgrid: FakeSendGrid) -> Settings:
    return messaging_settings(tmp_path, fake_sendgrid.url)


@pytest.fixture
def outbox_settings(tmp_path: Path) -> Settings:
    return messaging_settings(tmp_path, None)


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Both real databases the store runs on (overrides the suite's SQLite-only `engine`)."""
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture(scope="module")
async def messaging_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(Path(sys.executable).parent / "temporal-test-server"),
        data_converter=data_converter(),
    )
    yield env
    await env.shutdown()


def customer(locale: str = "de", **changes: object) -> Customer:
    values: dict[str, object] = {
        "customer_no": "K-555001",
        "first_name": "Jürgen",
        "last_name": "Müller-Lüdenscheidt",
        "date_of_birth": date(1964, 8, 12),
        "email": "juergen.mueller@example.org",
        "locale": locale,
    }
    return Customer.model_validate(values | changes)


def new_order_id() -> str:
    return f"A-{uuid.uuid4().hex[:10]}"


def request(
    event: Event,
    order_id: str | None = None,
    context: dict | None = None,
    who: Customer | None = None,
    n: int = 0,
    occurred_at: datetime | None = None,
) -> MessageRequest:
    order_id = order_id or new_order_id()
    return MessageRequest(
        order_id=order_id,
        event=event,
        key=f"{order_id}:{event.value}:{n}",
        customer=who or customer(),
        context=context or {},
        occurred_at=occurred_at or datetime.now(UTC),
    )


def composer(engine: Engine, settings: Settings) -> Composer:
    """The composer `MessagingActivities.from_settings` builds: today's code from `engine`."""
    return Composer(settings, partial(live_code, engine, data_keys(settings)))


def seal_delivery_code(engine: Engine, settings: Settings, order_id: str, attempt: int, code: str) -> datetime:
    """Stores a code the way the delivery-code activity does; returns its `valid_until`."""
    valid_until = datetime.now(UTC) + timedelta(hours=6)
    with Session(engine) as session:
        session.add(
            DeliveryCode(
                order_id=order_id,
                attempt=attempt,
                sealed_code=seal_code(load_key(settings.data_key), order_id, attempt, code),
                valid_until=valid_until,
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
    return valid_until
