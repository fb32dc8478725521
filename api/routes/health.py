"""Liveness and readiness for the process manager and load balancer."""

import asyncio
from datetime import timedelta

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine, text

from api.deps import EngineDep

router = APIRouter(tags=["health"])

CHECK_TIMEOUT = 3.0


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    temporal: str
    database: str


def _ping_database(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(request: Request, engine: EngineDep) -> Readiness | JSONResponse:
    """Temporal and the database answer; 503 (with which one failed) otherwise."""
    temporal = getattr(request.app.state, "temporal", None)

    async def temporal_ok() -> str:
        if temporal is None:
            return "connecting"  # the first connection has not succeeded yet
        try:
            serving = await temporal.service_client.check_health(timeout=timedelta(seconds=CHECK_TIMEOUT))
            return "ok" if serving else "not serving"
        except Exception as error:  # any failure means "not ready"; the reason goes to the answer
            return f"unreachable ({type(error).__name__})"

    async def database_ok() -> str:
        try:
            with anyio.fail_after(CHECK_TIMEOUT):
                await anyio.to_thread.run_sync(_ping_database, engine, abandon_on_cancel=True)
            return "ok"
        except Exception as error:
            return f"unreachable ({type(error).__name__})"

    temporal_state, database_state = await asyncio.gather(temporal_ok(), database_ok())
    ready = temporal_state == database_state == "ok"
    answer = Readiness(status="ok" if ready else "not_ready", temporal=temporal_state, database=database_state)
    return answer if ready else JSONResponse(answer.model_dump(), status_code=503)
