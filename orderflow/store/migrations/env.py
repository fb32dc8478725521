"""Alembic environment: the store's tables, the URL from the project's settings.

`orderflow.store.schema.migrate` hands in an open connection (config.attributes["connection"]);
the `alembic` command line connects to `Settings().sqlalchemy_url` itself.
"""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from orderflow.settings import Settings
from orderflow.store.engine import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_on(connection: Connection) -> None:
    # Batch mode lets later migrations alter SQLite tables (it recreates them; PostgreSQL alters in place).
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or Settings().sqlalchemy_url
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or Settings().sqlalchemy_url)
    try:
        with engine.connect() as connection:
            run_on(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
