"""Engine creation; importing the table modules here makes the metadata complete."""

from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import create_engine

from orderflow.store import audit, codes, delivery, ident, orders, outbox, webhooks  # noqa: F401  (registers the tables)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        # WAL lets the API read while a worker writes.
        event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA journal_mode=WAL"))
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine
