"""The webhook pipeline for tests: real orders and webhooks workers on the dev server, the API
in the test's loop, and the example receiver (standardwebhooks) on 127.0.0.1."""

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.worker import Worker

from api.main import create_app
from examples.webhook_receiver import Receiver
from orderflow.contract import task_queues
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from tests.api.stack import OPERATOR_TOKEN, STOREFRONT, api_settings, bearer
from tests.workflows.harness import Fakes
from workers.orders import build_orders_worker
from workers.webhooks import build_webhooks_worker

OPERATOR = bearer(OPERATOR_TOKEN)


def webhook_settings(data_dir: Path, **changes: Any) -> Settings:
    """Test settings: loopback receivers allowed, retries a fraction of a second apart."""
    return Settings(
        env="test",
        data_dir=data_dir,
        webhooks_allow_private=True,
        webhooks_retry_initial=timedelta(milliseconds=100),
        webhooks_retry_backoff=1.5,
        webhooks_retry_max_interval=timedelta(milliseconds=400),
        webhooks_give_up_after=timedelta(seconds=20),
        webhooks_timeout=timedelta(seconds=5),
        **changes,
    )


@contextmanager
def receiving(receiver: Receiver) -> Iterator[str]:
    """The receiver on a free port of 127.0.0.1; yields its URL."""
    server = receiver.serve("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Pipeline:
    client: Client
    http: httpx.AsyncClient
    settings: Settings
    fakes: Fakes

    async def register(self, url: str, **body: Any) -> dict[str, Any]:
        response = await self.http.post("/ops/webhooks", json={"url": url, **body}, headers=OPERATOR)
        assert response.status_code == 201, response.text
        return response.json()

    async def start_order(self, order: Any) -> None:
        response = await self.http.post("/orders", json=order.model_dump(mode="json"), headers=STOREFRONT)
        assert response.status_code == 201, response.text

    async def deliveries(self, endpoint_id: str) -> list[dict[str, Any]]:
        response = await self.http.get(f"/ops/webhooks/{endpoint_id}/deliveries", headers=OPERATOR)
        assert response.status_code == 200, response.text
        return response.json()


@asynccontextmanager
async def running_pipeline(client: Client, settings: Settings) -> AsyncIterator[Pipeline]:
    suffix = uuid.uuid4().hex
    queue = f"{task_queues.ORDERS}-{suffix}"
    own = settings.model_copy(update={"task_queue": queue})
    migrate(make_engine(own.sqlalchemy_url))
    fakes = Fakes()
    workers = [
        build_orders_worker(client, own),
        build_webhooks_worker(client, own),
        Worker(client, task_queue=f"{task_queues.VISION}-{suffix}", activities=[fakes.photo_ident]),
        Worker(client, task_queue=f"{task_queues.MESSAGING}-{suffix}", activities=[fakes.send_message]),
    ]
    async with workers[0], workers[1], workers[2], workers[3]:
        app_settings = api_settings(own, queue)
        app = create_app(app_settings, temporal=client)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield Pipeline(client=client, http=http, settings=app_settings, fakes=fakes)


async def eventually(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
