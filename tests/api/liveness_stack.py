"""The API with a vision queue that answers `liveness_check`: in the test's loop (httpx) or on a socket (Chromium)."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from temporalio.client import Client

from api.main import create_app
from orderflow.links import LinkPurpose, sign
from orderflow.settings import Settings
from tests.api.stack import LiveStack, api_settings
from tests.workflows.liveness_harness import LivenessRig, liveness_order_worker


@dataclass
class LivenessApi:
    http: httpx.AsyncClient
    rig: LivenessRig
    settings: Settings
    app: FastAPI

    def ident_path(self, order_id: str) -> str:
        return f"/ident/{sign(self.settings, order_id, LinkPurpose.IDENT)}"


@asynccontextmanager
async def running_liveness_api(
    client: Client, settings: Settings, liveness_check: Callable[..., Any]
) -> AsyncIterator[LivenessApi]:
    async with liveness_order_worker(client, settings, liveness_check) as rig:
        app_settings = api_settings(settings, rig.task_queue)
        app = create_app(app_settings, temporal=client)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield LivenessApi(http=http, rig=rig, settings=app_settings, app=app)


class LivenessLiveStack(LiveStack):
    """LiveStack whose vision queue runs the given liveness activity (the real one, in the browser test)."""

    def __init__(self, temporal_target: str, engine: Any, settings: Settings, liveness_check: Callable[..., Any]):
        super().__init__(temporal_target, engine, settings)
        self.liveness_check = liveness_check
        self.rig: LivenessRig | None = None

    @asynccontextmanager
    async def _workers(self, client: Client) -> AsyncIterator[Any]:
        async with liveness_order_worker(client, self.base_settings, self.liveness_check) as rig:
            self.rig = rig
            yield rig
