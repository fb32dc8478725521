"""ID images: gone once the ident decision is final, and in any case after the retention time;
every deletion is in the audit trail."""

import os
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.testing import ActivityEnvironment

from activities.store import StoreActivities
from orderflow.blobs import BlobStore
from orderflow.contract.records import DeleteIdImages
from orderflow.retention import sweep
from orderflow.store.audit import AuditEvent


def upload(blobs: BlobStore, order_id: str, count: int = 3, age: timedelta = timedelta(0)) -> list[str]:
    refs = [blobs.new_ref(order_id, "jpg") for _ in range(count)]
    for ref in refs:
        blobs.write_chunks(ref, [b"\xff\xd8 not really a jpeg"])
        written = (datetime.now(UTC) - age).timestamp()
        os.utime(blobs.path(ref), (written, written))
    return refs


def privacy_rows(engine: Engine, order_id: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.exec(select(AuditEvent).where(AuditEvent.order_id == order_id, AuditEvent.kind == "privacy"))
        )


def new_order_id() -> str:
    return f"I-{uuid.uuid4().hex[:10]}"


def test_final_decision_deletes_the_images_once_and_audits_it_once(any_engine, blobs):
    order_id, other = new_order_id(), new_order_id()
    refs = upload(blobs, order_id)
    kept = upload(blobs, other, 1)
    store = StoreActivities(any_engine, blobs)
    request = DeleteIdImages(order_id=order_id, reason="photo check passed")

    ActivityEnvironment().run(store.delete_id_images, request)
    ActivityEnvironment().run(store.delete_id_images, request)  # retried or replayed

    assert not any(blobs.path(ref).exists() for ref in refs)
    assert not (blobs.root / order_id).exists()
    assert blobs.path(kept[0]).exists()
    [row] = privacy_rows(any_engine, order_id)
    assert (row.actor, row.note) == ("workflow", "3 ID image(s) deleted: photo check passed")


def test_sweeper_deletes_what_outlived_the_retention(any_engine, blobs):
    stale, fresh, mixed = new_order_id(), new_order_id(), new_order_id()
    upload(blobs, stale, 3, age=timedelta(days=2))
    fresh_refs = upload(blobs, fresh, 3, age=timedelta(hours=1))
    upload(blobs, mixed, 1, age=timedelta(days=3))
    mixed_fresh = upload(blobs, mixed, 1)

    removed = sweep(any_engine, blobs, timedelta(days=1))

    assert removed == {stale: 3, mixed: 1}
    assert not (blobs.root / stale).exists()
    assert all(blobs.path(ref).exists() for ref in fresh_refs + mixed_fresh)
    [row] = privacy_rows(any_engine, stale)
    assert row.actor == "retention" and row.note.startswith("3 ID image(s) older than")
    assert privacy_rows(any_engine, fresh) == []
    assert sweep(any_engine, blobs, timedelta(days=1)) == {}  # nothing left to do, nothing recorded
    assert len(privacy_rows(any_engine, stale)) == 1
