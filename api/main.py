"""The HTTP API for storefront, customers, video agents and couriers: `uvicorn api.main:app`."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import anyio
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client

from api import docs_assets, errors
from api.auth import Tokens, refuse_default_secrets
from api.deps import require_operator
from api.metrics import RequestMetrics
from api.pages.rendering import STATIC, page_errors
from api.redaction import redact_access_log
from api.routes import (
    agent,
    agent_console,
    codec,
    courier,
    courier_page,
    dev,
    docs,
    health,
    ident,
    metrics,
    ops,
    orders,
    privacy,
    tracking,
)
from api.routes import webhooks as webhook_routes
from orderflow.blobs import BlobStore
from orderflow.logs import configure_logging
from orderflow.settings import Settings
from orderflow.startup import announce_mail_mode, load_settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from orderflow.temporal_wait import connect_when_reachable

DESCRIPTION = """Every order from checkout to the customer's door runs as a durable Temporal workflow.

Storefront, agents and couriers authenticate with bearer tokens; customers reach their pages
through signed links. Every refusal answers `{"code": ..., "message": ...}` with a 4xx status.
"""


def create_app(settings: Settings | None = None, temporal: Client | None = None) -> FastAPI:
    """The application; tests hand in their own settings and Temporal client."""
    settings = settings or load_settings()
    refuse_default_secrets(settings)
    production = settings.env == "production"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings)
        announce_mail_mode(settings)
        redact_access_log()
        engine = make_engine(settings.sqlalchemy_url)
        await anyio.to_thread.run_sync(migrate, engine)
        app.state.engine = engine
        app.state.blobs = BlobStore(settings.blob_path)
        # Created once: the client holds the connection and the project's data converter. The API
        # serves while it waits for a server that is not up yet: /readyz says not ready, and routes
        # that need Temporal answer 503 (api/deps.py), so nothing restarts it in a loop.
        connecting = None
        if temporal is not None:
            use_client(app, temporal)
        else:
            connecting = asyncio.create_task(_connect(app))
        try:
            yield
        finally:
            if connecting is not None:
                connecting.cancel()
                with suppress(asyncio.CancelledError):
                    await connecting
            engine.dispose()

    async def _connect(app: FastAPI) -> None:
        use_client(app, await connect_when_reachable(settings))

    def use_client(app: FastAPI, client: Client) -> None:
        if client.namespace != settings.temporal_namespace:
            # The namespace came from the Temporal profile (TEMPORAL_NAMESPACE, a TOML profile):
            # the routes that name it (the codec's X-Namespace check) must serve that one.
            app.state.settings = settings.model_copy(update={"temporal_namespace": client.namespace})
        app.state.temporal = client

    # In production the description maps every door, operator ones included: operators only (docs.router).
    app = FastAPI(
        title="orderflow",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=None if production else "/openapi.json",
        # Swagger UI and ReDoc come from our own files, never a CDN (api/docs_assets.py).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.tokens = Tokens(settings)
    errors.install(app, page_errors=page_errors)
    app.add_middleware(RequestMetrics)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    docs_assets.mount_assets(app)
    for module in (orders, ident, tracking, agent, courier, agent_console, courier_page, health, ops, codec, privacy):
        app.include_router(module.router)
    app.include_router(webhook_routes.router)
    # Business volumes: Prometheus scrapes production with an operator token (authorization: credentials).
    app.include_router(metrics.router, dependencies=[Depends(require_operator)] if production else [])
    if production:
        app.include_router(docs.router)
    else:
        app.include_router(docs_assets.open_docs_router())
        # Message bodies, delivery codes and signed links: never reachable in production.
        app.include_router(dev.router)
    return app


app: FastAPI  # `uvicorn api.main:app`: built on first access, see __getattr__


def __getattr__(name: str) -> FastAPI:
    # Built (and its settings checked) when uvicorn asks for it, not whenever a test imports
    # create_app from this module.
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
