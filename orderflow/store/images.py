"""Deleting an order's ID images once the ident decision is final, with a row in the audit trail."""

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from orderflow.blobs import BlobStore
from orderflow.store.audit import AuditEvent, AuditKind
from orderflow.store.once import insert_once
from orderflow.store.orders import Order
from orderflow.store.text import fit

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
        order = session.get(Order, order_id)
        row = AuditEvent(
            order_id=order_id,
            dedupe_key=DELETED,
            kind=AuditKind.PRIVACY,
            stage=order.stage if order else "",
            actor=actor,
            note=fit(f"{present} ID image(s) deleted: {reason}", AuditEvent.note),
            at=at,
        )
        insert_once(session, row, AuditEvent.order_id == order_id, AuditEvent.dedupe_key == DELETED)
    blobs.delete_order(order_id)
    return present


def _count_images(blobs: BlobStore, order_id: str) -> int:
    folder = blobs.root / order_id
    return sum(1 for f in folder.iterdir() if f.is_file()) if folder.is_dir() else 0
