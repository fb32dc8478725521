"""The privacy tests run on SQLite and on PostgreSQL (see tests/db.py)."""

import pytest
from sqlalchemy import Engine

from tests.db import any_engine, postgres_engine, sqlite_engine  # noqa: F401


@pytest.fixture
def engine(any_engine: Engine) -> Engine:  # noqa: F811
    return any_engine
