"""The codec routes on an app of their own, with the settings of the test session."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from temporalio.api.common.v1 import Payload

from api.auth import Tokens
from api.routes import codec
from orderflow.settings import DEV_SECRET, Settings

OPERATOR = {"Authorization": f"Bearer {DEV_SECRET}"}  # operator-1's development token


@asynccontextmanager
async def codec_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.settings = settings
    app.state.tokens = Tokens(settings)
    app.include_router(codec.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as client:
        yield client


def as_json(payloads: list[Payload]) -> dict:
    return codec._to_json(payloads)


def from_json(body: dict) -> list[Payload]:
    return codec._to_proto(codec.CodecPayloads.model_validate(body))
