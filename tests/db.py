"""Both real databases the store runs on, for any test package that needs them.

`sqlite_engine` and `postgres_engine` are session fixtures with the newest schema; PostgreSQL
gets a throwaway schema of its own, because other test sessions share the database `test`.
When PostgreSQL cannot be reached, the tests skip on a developer's machine and FAIL in CI
(env `CI=true`): there a missing database is a broken setup, not a reason to test less.

Use from a conftest: `from tests.db import postgres_engine, sqlite_engine  # noqa: F401`.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate

POSTGRES_URL = os.environ.get("ORDERFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_unreachable(error: Exception) -> None:
    message = f"PostgreSQL at {POSTGRES_URL} not reachable: {error}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def postgres_schema(prefix: str = "t") -> Iterator[str]:
    """A fresh, empty schema; yields the URL whose connections use it. Dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:
        admin.dispose()
        postgres_unreachable(error)
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'orderflow.db'}"


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(sqlite_url(tmp_path_factory.mktemp("sqlite")))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    with postgres_schema("orderflow") as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_engine(request: pytest.FixtureRequest) -> Engine:
    """Each test that takes it runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_engine")
