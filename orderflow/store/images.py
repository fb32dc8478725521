"""Deleting an order's ID images once the ident decision is final, with a row in the audit trail."""

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from orderflow.blobs import BlobStore
from orderflow.store.audit import AuditEvent, AuditKind, already_recorded
from orderflow.store.orders import Order

DELETED = "id_images_deleted"


def delete_id_images(
    engine: Engine, blobs: BlobStore, order_id: str, reason: str, at: datetime, actor: str = "workflow"
) -> int:
    """Deletes the order's images and returns how many were there. Idempotent.

    The audit row is written before the files go: if the process dies in between, the retry
    finds the row, skips it and still deletes. The other order would leave deleted images
    without a record if the process died before the commit.
    """
    present = _count_images(blobs, order_id)
    with Session(engine) as session:
        if not already_recorded(session, order_id, DELETED):
            order = session.get(Order, order_id)
            session.add(
                AuditEvent(
                    order_id=order_id,
                    dedupe_key=DELETED,
                    kind=AuditKind.PRIVACY,
                    stage=order.stage if order else "",
                    actor=actor,
                    note=f"{present} ID image(s) deleted: {reason}"[:500],
                    at=at,
                )
            )
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # a concurrent attempt recorded it
    blobs.delete_order(order_id)
    return present


def _count_images(blobs: BlobStore, order_id: str) -> int:
    folder = blobs.root / order_id
    return sum(1 for f in folder.iterdir() if f.is_file()) if folder.is_dir() else 0
