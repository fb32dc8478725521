"""A record the database can never take fails at once, non-retryably, and is counted.

Retrying it would be pointless, and the workflow waits for its background writes before the
order closes: an endless retry would keep the order open for ever.
"""

import socket
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from temporalio.exceptions import ApplicationError
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.testing import ActivityEnvironment

from orderflow.contract.photo_ident import ImageFinding, ImageKind
from orderflow.contract.records import RecordPhotoCheck, RecordStageChange
from orderflow.store.audit import AuditEvent
from orderflow.store.engine import make_engine
from orderflow.store.ident import IdentAttempt
from orderflow.store.orders import Order
from orderflow.store.schema import migrate
from tests.abuse.store_helpers import T0, new_order, rows, run, store_on
from tests.db import postgres_schema
from workflows.activity_options import STORE

REJECTED = "StoreRecordRejected"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def metrics() -> tuple[Runtime, str]:
    """A runtime that serves its metrics, as a worker's does (orderflow.metrics.worker_runtime)."""
    address = f"127.0.0.1:{free_port()}"
    runtime = Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
    return runtime, f"http://{address}/metrics"


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def rejected_count(page: str) -> float:
    lines = [line for line in page.splitlines() if line.startswith("orderflow_store_records_rejected")]
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines)


def test_the_store_retry_policy_does_not_retry_a_rejected_record():
    assert REJECTED in STORE["retry_policy"].non_retryable_error_types


def test_a_value_the_column_cannot_hold_is_rejected_non_retryably_and_counted(postgres_engine, tmp_path, metrics):
    runtime, url = metrics
    store = store_on(postgres_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)
    env = ActivityEnvironment()
    env.metric_meter = runtime.metric_meter
    before = rejected_count(scrape(url))
    # Verdicts are a closed set of short words: a 40-character one is a bug, never worth a retry.
    check = RecordPhotoCheck(
        order_id=order.order_id,
        submission=1,
        verdict="v" * 40,
        images=[ImageFinding(ref=f"{order.order_id}/{'a' * 32}.jpg", kind=ImageKind.ID_FRONT)],
        at=T0,
    )

    with pytest.raises(ApplicationError) as rejected:
        run(store.record_photo_check, check, env=env)

    assert rejected.value.type == REJECTED
    assert rejected.value.non_retryable
    assert "v" * 40 not in str(rejected.value)  # the value itself stays out of the error and the history
    assert rows(postgres_engine, IdentAttempt, order.order_id) == []
    assert rejected_count(scrape(url)) == before + 1


@pytest.fixture
def narrow_actor_engine() -> Iterator[Engine]:
    """A database whose audit `actor` column is narrower than the code expects (an old or hand-edited schema)."""
    with postgres_schema("narrow") as url:
        engine = make_engine(url)
        migrate(engine)
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE auditevent ALTER COLUMN actor TYPE VARCHAR(20)"))
        yield engine
        engine.dispose()


def test_a_rejected_audit_row_is_not_retried_and_leaves_the_store_unchanged(narrow_actor_engine, tmp_path):
    store = store_on(narrow_actor_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)
    record = RecordStageChange(
        order_id=order.order_id, seq=1, stage="awaiting_ident", actor=f"operator:{'o' * 40}", at=T0
    )

    with pytest.raises(ApplicationError) as rejected:
        run(store.record_stage_change, record)

    assert (rejected.value.type, rejected.value.non_retryable) == (REJECTED, True)
    assert rows(narrow_actor_engine, AuditEvent, order.order_id) == []
    [row] = rows(narrow_actor_engine, Order, order.order_id)
    assert row.stage == "received"  # the stage change goes with its audit row, or not at all


def test_a_duplicate_is_still_recognised_and_not_rejected(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()
    record = RecordStageChange(order_id=order.order_id, seq=1, stage="awaiting_ident", at=T0)
    run(store.record_order, order)

    run(store.record_stage_change, record)
    run(store.record_stage_change, record)  # retried after the first one landed

    assert len(rows(any_engine, AuditEvent, order.order_id)) == 1
