"""A customer with one finished order and everything the store keeps about it."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.testing import ActivityEnvironment

from activities.store import StoreActivities
from orderflow.blobs import BlobStore
from orderflow.contract.records import (
    RecordDeliveryAttempt,
    RecordOrder,
    RecordPhotoCheck,
    RecordStageChange,
    RecordVideoSession,
)
from orderflow.delivery_codes import seal_code
from orderflow.store.audit import AuditEvent
from orderflow.store.codes import DeliveryCode
from orderflow.store.outbox import SentMessage

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KEY = b"k" * 32


@dataclass
class Customer:
    customer_no: str
    order_id: str
    images: list[str]


def customer_with_an_order(engine: Engine, blobs: BlobStore, stage: str = "delivered") -> Customer:
    customer = Customer(customer_no=f"K-{uuid.uuid4().hex[:8]}", order_id=f"P-{uuid.uuid4().hex[:10]}", images=[])
    order_id = customer.order_id
    store = StoreActivities(engine, blobs)
    run = ActivityEnvironment().run
    run(store.record_order, RecordOrder(order_id=order_id, customer_no=customer.customer_no, ident_method="online", total="899.00", currency="EUR", high_value=True, at=T0))  # fmt: skip
    run(store.record_photo_check, RecordPhotoCheck(order_id=order_id, submission=1, verdict="passed", face_distance=0.3, at=T0))  # fmt: skip
    run(store.record_video_session, RecordVideoSession(order_id=order_id, session_id=f"vs-{order_id}", state="rejected", agent_id="agent-1", requested_at=T0, reason="looked like her sister"))  # fmt: skip
    run(store.record_delivery_attempt, RecordDeliveryAttempt(order_id=order_id, attempt=1, code_required=True, delivery_mode="anyone_at_address", started_at=T0, ends_at=T0 + timedelta(hours=16), outcome="delivered"))  # fmt: skip
    run(store.record_stage_change, RecordStageChange(order_id=order_id, seq=1, stage=stage, at=T0 + timedelta(days=1)))
    with Session(engine) as session:
        session.add(DeliveryCode(order_id=order_id, attempt=1, sealed_code=seal_code(KEY, order_id, 1, "123456"), valid_until=T0, created_at=T0))  # fmt: skip
        session.add(
            SentMessage(
                key=f"{order_id}:delivered:0",
                order_id=order_id,
                event="delivered",
                to_email="erika@example.org",
                subject=f"Ihre Bestellung {order_id} ist da",
                text_body="Liebe Frau Mustermann, ...",
                html_body="<p>Liebe Frau Mustermann, ...</p>",
                status="captured",
                created_at=T0,
            )
        )
        session.commit()
    for _ in range(2):
        ref = blobs.new_ref(order_id, "jpg")
        blobs.write_chunks(ref, [b"image"])
        customer.images.append(ref)
    return customer


def audit_notes(engine: Engine, order_id: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.order_id == order_id, AuditEvent.kind == "privacy"))
        return [(row.actor, row.note) for row in rows]
