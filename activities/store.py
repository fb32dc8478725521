"""Store activities (task queue `orders`): the order row, its audit trail, photo checks, video
sessions, delivery attempts, and the deletion of ID images. Each is idempotent: a retried or
replayed activity writes nothing twice."""

from datetime import UTC

from sqlalchemy import Engine, update
from sqlmodel import Session, col
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.store_rejections import rejected_for_good
from orderflow.blobs import BlobStore
from orderflow.contract.names import (
    DELETE_ID_IMAGES,
    RECORD_DELIVERY_ATTEMPT,
    RECORD_ORDER,
    RECORD_PHOTO_CHECK,
    RECORD_STAGE_CHANGE,
    RECORD_VIDEO_SESSION,
)
from orderflow.contract.records import (
    DeleteIdImages,
    RecordDeliveryAttempt,
    RecordOrder,
    RecordPhotoCheck,
    RecordStageChange,
    RecordVideoSession,
)
from orderflow.delivery_codes import as_utc
from orderflow.store import delivery, ident
from orderflow.store.images import delete_id_images
from orderflow.store.once import insert_once
from orderflow.store.orders import AuditEvent, Order
from orderflow.store.text import fit

# A new order under an id the store knows: the namespace forgot the old workflow, the store did not.
ORDER_ID_REUSED = "OrderIdReused"


class StoreActivities:
    def __init__(self, engine: Engine, blobs: BlobStore) -> None:
        self._engine = engine
        self._blobs = blobs

    @activity.defn(name=RECORD_ORDER)
    def record_order(self, request: RecordOrder) -> None:
        """Writes the order's row once; refuses an order id another workflow run already used."""
        run_id = activity.info().workflow_run_id
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
            workflow_run_id=run_id,
        )
        with rejected_for_good(), Session(self._engine) as session:
            if insert_once(session, row, Order.order_id == request.order_id):
                return
            stored = session.get(Order, request.order_id)
            assert stored is not None  # insert_once found it
            if not _same_order(stored, run_id, request):
                raise ApplicationError(
                    f"order {request.order_id} exists already in the store, from another workflow run",
                    type=ORDER_ID_REUSED,
                    non_retryable=True,
                )

    @activity.defn(name=RECORD_STAGE_CHANGE)
    def record_stage_change(self, request: RecordStageChange) -> None:
        row = AuditEvent(
            order_id=request.order_id,
            seq=request.seq,
            kind=request.kind,
            stage=request.stage,
            actor=fit(request.actor, AuditEvent.actor),
            note=fit(request.note, AuditEvent.note),
            at=request.at,
        )
        with rejected_for_good(), Session(self._engine) as session:
            if request.kind == "stage":
                # Audit rows land out of order (they are written in the background), and changes in one
                # workflow task share a timestamp: the order row keeps the stage of the highest sequence
                # number. It changes together with the audit row, or not at all.
                newest = (
                    update(Order)
                    .where(col(Order.order_id) == request.order_id, col(Order.stage_seq) < request.seq)
                    .values(stage=request.stage, stage_entered_at=request.at, stage_seq=request.seq)
                )
                session.connection().execute(newest)
            insert_once(session, row, AuditEvent.order_id == request.order_id, AuditEvent.seq == request.seq)

    @activity.defn(name=RECORD_PHOTO_CHECK)
    def record_photo_check(self, request: RecordPhotoCheck) -> None:
        with rejected_for_good(), Session(self._engine) as session:
            ident.record_photo_check(session, request)

    @activity.defn(name=RECORD_VIDEO_SESSION)
    def record_video_session(self, request: RecordVideoSession) -> None:
        with rejected_for_good(), Session(self._engine) as session:
            ident.record_video_session(session, request)

    @activity.defn(name=RECORD_DELIVERY_ATTEMPT)
    def record_delivery_attempt(self, request: RecordDeliveryAttempt) -> None:
        with rejected_for_good(), Session(self._engine) as session:
            delivery.record_delivery_attempt(session, request)

    @activity.defn(name=DELETE_ID_IMAGES)
    def delete_id_images(self, request: DeleteIdImages) -> None:
        # The server's clock: when the workflow asked for the deletion, the same on every retry.
        at = activity.info().scheduled_time.astimezone(UTC)
        with rejected_for_good():
            removed = delete_id_images(self._engine, self._blobs, request.order_id, request.reason, at)
        activity.logger.info("%s ID images deleted", removed)


def _same_order(stored: Order, run_id: str | None, request: RecordOrder) -> bool:
    # The run that wrote the row, retried; or a reset of it: a new run that keeps its chain's first run id,
    # and when reset past its first task also the first run's start. Rows from before the run id was kept
    # have only the start.
    same_chain = stored.workflow_run_id is not None and stored.workflow_run_id in (run_id, request.first_run_id)
    return same_chain or as_utc(stored.created_at) == as_utc(request.at)
