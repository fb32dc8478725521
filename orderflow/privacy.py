"""Per-customer export and erasure of the personal data in the store and the blob store (GDPR).

Reached through the operators' `/privacy` routes and `python -m orderflow.cli.privacy`.

Erasure keeps the order rows (commercial records) under a random placeholder instead of the
customer number, drops what identifies or describes the person (message addresses and texts,
photo-check findings, ID images, sealed delivery codes, the agents' remarks) and records itself
in the audit trail, which is append-only and holds no personal data. It is refused while one of
the customer's orders is still running: the workflow still needs that data.
"""

import secrets
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, delete, select

from orderflow.blobs import BlobStore
from orderflow.contract.stages import FINAL
from orderflow.store.audit import AuditEvent, AuditEventPublic, AuditKind
from orderflow.store.codes import DeliveryCode
from orderflow.store.delivery import DeliveryAttempt, DeliveryAttemptPublic
from orderflow.store.ident import IdentAttempt, IdentAttemptPublic, VideoSession, VideoSessionPublic
from orderflow.store.orders import Order, OrderPublic
from orderflow.store.outbox import SentMessage, SentMessagePublic

ERASED = "[erased]"
P = TypeVar("P", bound=SQLModel)
# The tables that hold rows of an order, found by its id.
_PerOrder = AuditEvent | IdentAttempt | VideoSession | DeliveryAttempt | SentMessage


class OrderData(BaseModel):
    order: OrderPublic
    audit_trail: list[AuditEventPublic]
    ident_attempts: list[IdentAttemptPublic]
    video_sessions: list[VideoSessionPublic]
    delivery_attempts: list[DeliveryAttemptPublic]
    messages: list[SentMessagePublic]
    stored_images: list[str]  # blob references still held


class CustomerData(BaseModel):
    customer_no: str
    exported_at: datetime
    orders: list[OrderData]


class Erasure(BaseModel):
    customer_no: str
    orders: list[str]
    messages_redacted: int = 0
    ident_attempts_deleted: int = 0
    delivery_codes_deleted: int = 0
    images_deleted: int = 0


class OrdersInProgress(Exception):
    def __init__(self, order_ids: list[str]) -> None:
        super().__init__(f"orders still in progress: {', '.join(order_ids)}")
        self.order_ids = order_ids


def export_customer(engine: Engine, blobs: BlobStore, customer_no: str, actor: str) -> CustomerData:
    """Everything stored about the customer, order by order; the export itself is audited."""
    now = datetime.now(UTC)
    with Session(engine) as session:
        orders = _orders_of(session, customer_no)
        exported = [_order_data(session, blobs, order) for order in orders]
        for order in orders:
            session.add(_audit(order, actor, "personal data exported", now))
        session.commit()
    return CustomerData(customer_no=customer_no, exported_at=now, orders=exported)


def erase_customer(engine: Engine, blobs: BlobStore, customer_no: str, actor: str) -> Erasure:
    """Erases the customer's personal data; a second call finds nothing left to erase."""
    now = datetime.now(UTC)
    with Session(engine) as session:
        orders = _orders_of(session, customer_no)
        running = [o.order_id for o in orders if o.stage not in FINAL]
        if running:
            raise OrdersInProgress(running)
        order_ids = [o.order_id for o in orders]
        erasure = Erasure(customer_no=customer_no, orders=order_ids)
        erasure.ident_attempts_deleted = _delete(session, IdentAttempt, order_ids)
        erasure.delivery_codes_deleted = _delete(session, DeliveryCode, order_ids)
        for message in session.exec(select(SentMessage).where(col(SentMessage.order_id).in_(order_ids))):
            # The row stays: its key and status keep the message from ever being sent twice.
            message.sqlmodel_update({"to_email": ERASED, "subject": ERASED, "text_body": "", "html_body": ""})
            session.add(message)
            erasure.messages_redacted += 1
        for video in session.exec(select(VideoSession).where(col(VideoSession.order_id).in_(order_ids))):
            video.reason = ERASED if video.reason else ""
            session.add(video)
        placeholder = f"erased-{secrets.token_hex(8)}"  # random: nothing leads back to the customer
        for order in orders:
            order.customer_no = placeholder
            session.add(order)
            session.add(_audit(order, actor, "personal data erased", now))
        session.commit()
    # After the commit, as with the ident decision: a crash here leaves images that the
    # retention sweeper removes anyway.
    erasure.images_deleted = sum(blobs.delete_order(order_id) for order_id in order_ids)
    return erasure


def _orders_of(session: Session, customer_no: str) -> list[Order]:
    query = select(Order).where(Order.customer_no == customer_no).order_by(col(Order.created_at))
    return list(session.exec(query))


def _order_data(session: Session, blobs: BlobStore, order: Order) -> OrderData:
    order_id = order.order_id
    folder = blobs.root / order_id
    return OrderData(
        order=OrderPublic.model_validate(order, from_attributes=True),
        audit_trail=_of_order(session, order_id, AuditEvent, AuditEvent.id, AuditEventPublic),
        ident_attempts=_of_order(session, order_id, IdentAttempt, IdentAttempt.submission, IdentAttemptPublic),
        video_sessions=_of_order(session, order_id, VideoSession, VideoSession.requested_at, VideoSessionPublic),
        delivery_attempts=_of_order(session, order_id, DeliveryAttempt, DeliveryAttempt.attempt, DeliveryAttemptPublic),
        messages=_of_order(session, order_id, SentMessage, SentMessage.created_at, SentMessagePublic),
        stored_images=sorted(f"{order_id}/{p.name}" for p in folder.iterdir()) if folder.is_dir() else [],
    )


def _of_order(session: Session, order_id: str, table: type[_PerOrder], order_by: Any, public: type[P]) -> list[P]:
    query = select(table).where(table.order_id == order_id).order_by(col(order_by))
    return [public.model_validate(row, from_attributes=True) for row in session.exec(query)]


def _delete(session: Session, table: type[IdentAttempt] | type[DeliveryCode], order_ids: list[str]) -> int:
    result = session.exec(delete(table).where(col(table.order_id).in_(order_ids)))
    return result.rowcount


def _audit(order: Order, actor: str, note: str, at: datetime) -> AuditEvent:
    return AuditEvent(order_id=order.order_id, kind=AuditKind.PRIVACY, stage=order.stage, actor=actor, note=note, at=at)
