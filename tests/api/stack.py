"""The API under test, in two shapes.

`running_api`: the app inside the test's event loop, reached through httpx's ASGI transport,
sharing the test's Temporal client and the real orders worker (scripted photo verdicts).

`LiveStack`: a real uvicorn server with its own Temporal client and worker on a thread of its
own, for callers that need a socket (headless Chromium, schemathesis) or block the test's loop.
"""

import asyncio
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine
from temporalio.client import Client

from api.main import create_app
from orderflow.links import LinkPurpose, sign
from orderflow.settings import DEV_SECRET, Settings
from orderflow.temporal import data_converter
from tests.workflows.harness import Harness, running_order_worker

STOREFRONT_TOKEN = "storefront-test-token"
AGENT_TOKENS = {"agent-7": "agent-7-test-token", "agent-8": "agent-8-test-token"}
COURIER_TOKEN = "courier-1-test-token"
LINK_SECRET = "link-test-secret"
OPERATOR_TOKEN = "ops-1-test-token"
MAX_UPLOAD_BYTES = 200_000


def api_settings(base: Settings, task_queue: str) -> Settings:
    return base.model_copy(
        update={
            "task_queue": task_queue,
            "storefront_token": STOREFRONT_TOKEN,
            "agent_tokens": ",".join(f"{agent}:{token}" for agent, token in AGENT_TOKENS.items()),
            "courier_tokens": f"courier-1:{COURIER_TOKEN}",
            "link_secret": LINK_SECRET,
            # Operator tests bring their own table; everyone else gets a non-default one.
            "operator_tokens": base.operator_tokens
            if DEV_SECRET not in base.operator_tokens
            else f"ops-1:{OPERATOR_TOKEN}",
            "max_upload_bytes": MAX_UPLOAD_BYTES,
        }
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


STOREFRONT = bearer(STOREFRONT_TOKEN)
AGENT_7 = bearer(AGENT_TOKENS["agent-7"])
AGENT_8 = bearer(AGENT_TOKENS["agent-8"])
COURIER = bearer(COURIER_TOKEN)


@dataclass
class Api:
    http: httpx.AsyncClient
    h: Harness
    settings: Settings
    app: FastAPI

    def ident_path(self, order_id: str) -> str:
        return f"/ident/{sign(self.settings, order_id, LinkPurpose.IDENT)}"

    def track_path(self, order_id: str) -> str:
        return f"/track/{sign(self.settings, order_id, LinkPurpose.TRACK)}"


@asynccontextmanager
async def running_api(client: Client, engine: Engine, settings: Settings) -> AsyncIterator[Api]:
    async with running_order_worker(client, engine, settings) as h:
        app_settings = api_settings(settings, h.task_queue)
        app = create_app(app_settings, temporal=client)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield Api(http=http, h=h, settings=app_settings, app=app)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveStack:
    """uvicorn + orders worker on a background thread and event loop; `with LiveStack(...) as s:`."""

    def __init__(self, temporal_target: str, engine: Engine, settings: Settings) -> None:
        self.target = temporal_target
        self.engine = engine
        self.port = _free_port()
        # The links the API signs must point at this server.
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.base_settings = settings.model_copy(update={"public_base_url": self.base_url})
        self.settings: Settings | None = None
        self.harness: Harness | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="live-api", daemon=True)

    def __enter__(self) -> "LiveStack":
        self._thread.start()
        if not self._ready.wait(timeout=60):
            raise TimeoutError("the live API did not start within 60 s")
        if self._failure is not None:
            raise self._failure
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)

    @asynccontextmanager
    async def _workers(self, client: Client) -> AsyncIterator[Any]:
        """The workers behind the API (anything with a `task_queue`): the shared harness's by default."""
        async with running_order_worker(client, self.engine, self.base_settings) as h:
            self.harness = h
            yield h

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as failure:  # reported to the test thread by __enter__
            self._failure = failure
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        client = await Client.connect(self.target, data_converter=data_converter(self.base_settings))
        async with self._workers(client) as workers:
            self.settings = api_settings(self.base_settings, workers.task_queue)
            app = create_app(self.settings, temporal=client)
            config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
            server = uvicorn.Server(config)
            serving = asyncio.create_task(server.serve())
            while not server.started:
                if serving.done():
                    serving.result()  # raises what stopped it
                await asyncio.sleep(0.05)
            self._ready.set()
            await self._stop.wait()
            server.should_exit = True
            await serving
