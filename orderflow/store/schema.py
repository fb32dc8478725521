"""Schema changes through Alembic: `migrate(engine)` brings any database to the newest revision.

Every process that uses the store calls it at start, so several may run it at once: PostgreSQL
serialises them with an advisory lock, SQLite with a lock file. By hand: `python -m orderflow.cli.schema`.
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).parent / "migrations"
# The revision that matches the tables `create_all` made before the store had migrations.
BASELINE = "0001"
BASELINE_TABLES = {"order", "auditevent", "deliverycode", "sentmessage"}
# Any constant; every orderflow process agrees on it.
_PG_LOCK_ID = 0x0F_10_0F_06


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    # From the package itself, so it works installed and from any working directory.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    with _exclusive(engine), engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and BASELINE_TABLES <= tables:
            # Made by create_all before migrations existed: it is the baseline, upgrade from there.
            command.stamp(alembic_config(connection), BASELINE)
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with _exclusive(engine), engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def _exclusive(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        # A session lock of its own connection: held across Alembic's transaction.
        with engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _PG_LOCK_ID})
            try:
                yield
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _PG_LOCK_ID})
                lock.commit()
    elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        # SQLite runs DDL outside transactions, so two processes could both create the tables.
        with open(f"{engine.url.database}.migrate-lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
    else:
        yield
