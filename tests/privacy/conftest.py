"""Privacy tests that touch the store take `any_engine` and run on SQLite and on PostgreSQL (see
tests/db.py); workflow tests keep the suite's `engine`, the one the orders worker writes to."""

from pathlib import Path

import pytest

from orderflow.blobs import BlobStore
from tests.db import any_engine, postgres_engine, sqlite_engine  # noqa: F401


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")
