"""Schema changes go through Alembic: from empty to head and back, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

from orderflow.store.engine import make_engine
from orderflow.store.schema import BASELINE, current_revision, downgrade, migrate
from tests.db import postgres_schema, sqlite_url

STORE_TABLES = {
    "order",
    "auditevent",
    "identattempt",
    "videosession",
    "deliveryattempt",
    "deliverycode",
    "sentmessage",
    "webhookendpoint",
    "webhookdelivery",
    "webhookattempt",
}


@pytest.fixture(params=["sqlite", "postgres"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own with no tables at all."""
    if request.param == "sqlite":
        engine = make_engine(sqlite_url(tmp_path))
        yield engine
        engine.dispose()
        return
    with postgres_schema("migrations") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def differences(engine: Engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)


def test_upgrade_from_empty_to_head_and_back(empty_engine: Engine):
    migrate(empty_engine)

    assert tables(empty_engine) == STORE_TABLES
    assert current_revision(empty_engine) is not None
    # The migrations make exactly what the models describe.
    assert differences(empty_engine) == []

    downgrade(empty_engine, "base")

    assert tables(empty_engine) == set()
    migrate(empty_engine)  # and up again, as after a rollback of a release
    assert tables(empty_engine) == STORE_TABLES


def test_migrate_twice_changes_nothing(empty_engine: Engine):
    migrate(empty_engine)
    revision = current_revision(empty_engine)

    migrate(empty_engine)

    assert current_revision(empty_engine) == revision


def test_a_database_from_before_migrations_is_taken_over(empty_engine: Engine):
    # The tables as create_all made them: exactly the baseline revision, without alembic_version.
    migrate(empty_engine, BASELINE)
    with empty_engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")

    migrate(empty_engine)

    assert tables(empty_engine) == STORE_TABLES
    assert differences(empty_engine) == []


def test_processes_starting_together_migrate_one_after_the_other(empty_engine: Engine):
    # Workers and API each migrate at start; separate engines stand in for separate processes.
    engines = [make_engine(empty_engine.url.render_as_string(hide_password=False)) for _ in range(3)]
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(migrate, engines))
    finally:
        for engine in engines:
            engine.dispose()

    assert tables(empty_engine) == STORE_TABLES


def test_running_orders_keep_their_stage_order_across_the_upgrade(empty_engine: Engine):
    # Before 0010 the order row had no sequence number: the upgrade takes it from the audit row
    # that set the stage, so a late write of an earlier stage still cannot win after the deploy.
    migrate(empty_engine, "0009_delivery_code_issues")
    with empty_engine.begin() as connection:
        connection.exec_driver_sql(
            'INSERT INTO "order" (order_id, customer_no, ident_method, total, currency, high_value, stage,'
            " stage_entered_at, created_at) VALUES ('U-1', 'K-1', 'online', 899, 'EUR', true, 'photo_check',"
            " '2026-11-23 09:00:05+00', '2026-11-23 09:00:00+00')"
        )
        for seq, kind, stage in [(1, "stage", "received"), (2, "stage", "awaiting_ident"), (3, "stage", "photo_check"), (4, "decision", "photo_check")]:  # fmt: skip
            connection.exec_driver_sql(
                "INSERT INTO auditevent (order_id, seq, kind, stage, actor, note, at)"
                f" VALUES ('U-1', {seq}, '{kind}', '{stage}', 'workflow', '', '2026-11-23 09:00:05+00')"
            )

    migrate(empty_engine)

    with empty_engine.connect() as connection:
        row = connection.exec_driver_sql('SELECT stage_seq, workflow_run_id FROM "order"').one()
    assert tuple(row) == (3, None)
