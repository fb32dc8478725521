"""Helpers for the store abuse tests: a fresh order per test and activities run as Temporal would."""

import dataclasses
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.testing import ActivityEnvironment

from activities.store import StoreActivities
from orderflow.blobs import BlobStore
from orderflow.contract.records import RecordOrder

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def store_on(engine: Engine, tmp_path: Path) -> StoreActivities:
    return StoreActivities(engine, BlobStore(tmp_path / "blobs"))


def new_order(order_id: str | None = None, customer_no: str | None = None, at: datetime = T0) -> RecordOrder:
    return RecordOrder(
        order_id=order_id or f"A-{uuid.uuid4().hex[:10]}",
        customer_no=customer_no or f"K-{uuid.uuid4().hex[:8]}",
        ident_method="online",
        total="899.00",
        currency="EUR",
        high_value=True,
        at=at,
    )


def run(activity_method: Any, request: Any, run_id: str = "run-1", env: ActivityEnvironment | None = None) -> Any:
    """Runs the activity in the environment of workflow run `run_id`, as a worker would."""
    env = env or ActivityEnvironment()
    env.info = dataclasses.replace(env.info, workflow_run_id=run_id)
    return env.run(activity_method, request)


def rows(engine: Engine, table: Any, order_id: str) -> list[Any]:
    with Session(engine) as session:
        return list(session.exec(select(table).where(table.order_id == order_id)))
