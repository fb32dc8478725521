"""Store activities: the order row and its append-only audit trail. Idempotent on retry."""

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from temporalio import activity

from orderflow.records import RECORD_ORDER, RECORD_STAGE_CHANGE, RecordOrder, RecordStageChange
from orderflow.store.orders import AuditEvent, Order


class StoreActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name=RECORD_ORDER)
    def record_order(self, request: RecordOrder) -> None:
        with Session(self._engine) as session:
            if session.get(Order, request.order_id) is not None:
                return
            session.add(
                Order(
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
            )
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # recorded by a concurrent retry

    @activity.defn(name=RECORD_STAGE_CHANGE)
    def record_stage_change(self, request: RecordStageChange) -> None:
        with Session(self._engine) as session:
            already = session.exec(
                select(AuditEvent).where(AuditEvent.order_id == request.order_id, AuditEvent.seq == request.seq)
            ).first()
            if already is not None:
                return
            session.add(
                AuditEvent(
                    order_id=request.order_id,
                    seq=request.seq,
                    kind=request.kind,
                    stage=request.stage,
                    actor=request.actor,
                    note=request.note,
                    at=request.at,
                )
            )
            order = session.get(Order, request.order_id)
            # Audit rows may land out of order (they are written in the background); the order row
            # keeps the newest stage.
            if (
                order is not None
                and request.kind == "stage"
                and _as_naive(request.at) >= _as_naive(order.stage_entered_at)
            ):
                order.stage = request.stage
                order.stage_entered_at = request.at
                session.add(order)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()


def _as_naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo else moment
