"""The retention sweeper: ID images older than `ORDERFLOW_IMAGE_RETENTION` go, whatever happened
to their order (a decision that never came, a worker that was down). Each order it clears gets
a row in the audit trail.

Run by `python -m orderflow.cli.retention`.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from orderflow.blobs import BlobStore
from orderflow.store.audit import AuditEvent, AuditKind
from orderflow.store.orders import Order

ACTOR = "retention"


def sweep(engine: Engine, blobs: BlobStore, retention: timedelta, now: datetime | None = None) -> dict[str, int]:
    """Deletes every image last written before `now - retention`; returns {order_id: images deleted}."""
    now = now or datetime.now(UTC)
    cutoff = now.timestamp() - retention.total_seconds()
    removed: Counter[str] = Counter()
    for folder in sorted(p for p in blobs.root.iterdir() if p.is_dir()):
        for image in folder.iterdir():
            if image.is_file() and image.stat().st_mtime < cutoff:
                image.unlink(missing_ok=True)
                removed[folder.name] += 1
        if not any(folder.iterdir()):
            try:
                folder.rmdir()
            except OSError:
                pass  # an upload arrived meanwhile; its folder stays
    if removed:
        _audit(engine, removed, retention, now)
    return dict(removed)


def _audit(engine: Engine, removed: Counter[str], retention: timedelta, at: datetime) -> None:
    with Session(engine) as session:
        for order_id, count in sorted(removed.items()):
            order = session.get(Order, order_id)
            session.add(
                AuditEvent(
                    order_id=order_id,
                    kind=AuditKind.PRIVACY,
                    stage=order.stage if order else "",
                    actor=ACTOR,
                    note=f"{count} ID image(s) older than the retention of {retention} deleted",
                    at=at,
                )
            )
        session.commit()
