"""The HTTP API for storefront, customers, video agents and couriers: `uvicorn api.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client

from api import docs_assets, errors
from api.auth import Tokens, refuse_default_secrets
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
from orderflow.settings import Settings, get_settings
from orderflow.store.engine import create_schema, make_engine
from orderflow.temporal import connect

DESCRIPTION = """Every order from checkout to the customer's door runs as a durable Temporal workflow.

Storefront, agents and couriers authenticate with bearer tokens; customers reach their pages
through signed links. Every refusal answers `{"code": ..., "message": ...}` with a 4xx status.
"""


def create_app(settings: Settings | None = None, temporal: Client | None = None) -> FastAPI:
    """The application; tests hand in their own settings and Temporal client."""
    settings = settings or get_settings()
    refuse_default_secrets(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings)
        redact_access_log()
        engine = make_engine(settings.sqlalchemy_url)
        await anyio.to_thread.run_sync(create_schema, engine)
        app.state.engine = engine
        app.state.blobs = BlobStore(settings.blob_path)
        # Created once: the client holds the connection and the project's data converter.
        app.state.temporal = temporal or await connect(settings)
        try:
            yield
        finally:
            engine.dispose()

    # Swagger UI and ReDoc come from our own files, never a CDN (api/docs_assets.py).
    app = FastAPI(
        title="orderflow", version="0.1.0", description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    app.state.tokens = Tokens(settings)
    errors.install(app, page_errors=page_errors)
    app.add_middleware(RequestMetrics)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    docs_assets.mount_assets(app)
    for module in (
        orders,
        ident,
        tracking,
        agent,
        courier,
        agent_console,
        courier_page,
        health,
        ops,
        metrics,
        codec,
        privacy,
    ):
        app.include_router(module.router)
    app.include_router(webhook_routes.router)
    if settings.env != "production":
        app.include_router(docs_assets.open_docs_router())
        app.include_router(dev.router)
    return app


app = create_app()
