"""Store activities (task queue `orders`): the order row, its audit trail, photo checks, video
sessions, delivery attempts, and the deletion of ID images. Each is idempotent: a retried or
replayed activity writes nothing twice."""

from datetime import UTC

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity

from orderflow.blobs import BlobStore
from orderflow.delivery_codes import as_utc
from orderflow.records import (
    DELETE_ID_IMAGES,
    RECORD_DELIVERY_ATTEMPT,
    RECORD_ORDER,
    RECORD_PHOTO_CHECK,
    RECORD_STAGE_CHANGE,
    RECORD_VIDEO_SESSION,
    DeleteIdImages,
    RecordDeliveryAttempt,
    RecordOrder,
    RecordPhotoCheck,
    RecordStageChange,
    RecordVideoSession,
)
from orderflow.store import delivery, ident
from orderflow.store.images import delete_id_images
from orderflow.store.once import insert_once
from orderflow.store.orders import AuditEvent, Order


class StoreActivities:
    def __init__(self, engine: Engine, blobs: BlobStore) -> None:
        self._engine = engine
        self._blobs = blobs

    @activity.defn(name=RECORD_ORDER)
    def record_order(self, request: RecordOrder) -> None:
        row = Order(
            order_id=request.order_id,
            customer_no=request.customer_no,
            ident_method=request.ident_method,
            total=request.total,
            currency=request.currency,
            high_value=request.high_value,
            stage="received",
            stage_entered_at=request.at,
            created_at=request.at,
        )
        with Session(self._engine) as session:
            insert_once(session, row, Order.order_id == request.order_id)

    @activity.defn(name=RECORD_STAGE_CHANGE)
    def record_stage_change(self, request: RecordStageChange) -> None:
        row = AuditEvent(
            order_id=request.order_id,
            seq=request.seq,
            kind=request.kind,
            stage=request.stage,
            actor=request.actor,
            note=request.note,
            at=request.at,
        )
        with Session(self._engine) as session:
            order = session.get(Order, request.order_id)
            # Audit rows may land out of order (they are written in the background); the order row
            # keeps the newest stage. It changes together with the audit row, or not at all.
            if order is not None and request.kind == "stage" and as_utc(request.at) >= as_utc(order.stage_entered_at):
                order.stage = request.stage
                order.stage_entered_at = request.at
                session.add(order)
            insert_once(session, row, AuditEvent.order_id == request.order_id, AuditEvent.seq == request.seq)

    @activity.defn(name=RECORD_PHOTO_CHECK)
    def record_photo_check(self, request: RecordPhotoCheck) -> None:
        with Session(self._engine) as session:
            ident.record_photo_check(session, request)

    @activity.defn(name=RECORD_VIDEO_SESSION)
    def record_video_session(self, request: RecordVideoSession) -> None:
        with Session(self._engine) as session:
            ident.record_video_session(session, request)

    @activity.defn(name=RECORD_DELIVERY_ATTEMPT)
    def record_delivery_attempt(self, request: RecordDeliveryAttempt) -> None:
        with Session(self._engine) as session:
            delivery.record_delivery_attempt(session, request)

    @activity.defn(name=DELETE_ID_IMAGES)
    def delete_id_images(self, request: DeleteIdImages) -> None:
        # The server's clock: when the workflow asked for the deletion, the same on every retry.
        at = activity.info().scheduled_time.astimezone(UTC)
        removed = delete_id_images(self._engine, self._blobs, request.order_id, request.reason, at)
        activity.logger.info("%s ID images deleted", removed)
