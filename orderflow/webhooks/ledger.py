"""Deliveries and their tries: written by the webhook activities, read by operators."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from orderflow.store.once import insert_once
from orderflow.store.webhooks import WebhookAttempt, WebhookDelivery

PENDING, DELIVERED, FAILED, SKIPPED = "pending", "delivered", "failed", "skipped"


@dataclass(frozen=True)
class Try:
    status_code: int | None
    latency_ms: int | None
    error: str = ""
    manual: bool = False


class Ledger:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_once(self, delivery: WebhookDelivery) -> None:
        """Records a delivery unless a retried publish recorded it already."""
        with Session(self._engine) as session:
            insert_once(session, delivery, col(WebhookDelivery.id) == delivery.id)

    def get(self, delivery_id: str) -> WebhookDelivery | None:
        with Session(self._engine) as session:
            return session.get(WebhookDelivery, delivery_id)

    def record_try(self, delivery_id: str, attempt: Try) -> None:
        with Session(self._engine) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:  # its endpoint was deleted meanwhile
                return
            delivery.tries += 1
            session.add(delivery)
            session.add(
                WebhookAttempt(
                    delivery_id=delivery_id,
                    number=delivery.tries,
                    at=datetime.now(UTC),
                    status_code=attempt.status_code,
                    latency_ms=attempt.latency_ms,
                    error=attempt.error[:200],
                    manual=attempt.manual,
                )
            )
            session.commit()

    def finish(self, delivery_id: str, state: str, only_if_pending: bool = False) -> None:
        with Session(self._engine) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None or (only_if_pending and delivery.state != PENDING):
                return
            delivery.state = state
            delivery.finished_at = datetime.now(UTC)
            session.add(delivery)
            session.commit()

    def reopen(self, delivery_id: str) -> None:
        with Session(self._engine) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is not None:
                delivery.state = PENDING
                delivery.finished_at = None
                session.add(delivery)
                session.commit()

    def of_endpoint(self, endpoint_id: str, limit: int) -> list[tuple[WebhookDelivery, list[WebhookAttempt]]]:
        """Newest first, each with its tries in order."""
        with Session(self._engine) as session:
            deliveries = list(
                session.exec(
                    select(WebhookDelivery)
                    .where(WebhookDelivery.endpoint_id == endpoint_id)
                    .order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.sequence).desc())
                    .limit(limit)
                )
            )
            ids = [d.id for d in deliveries]
            attempts = session.exec(
                select(WebhookAttempt)
                .where(col(WebhookAttempt.delivery_id).in_(ids))
                .order_by(col(WebhookAttempt.delivery_id), col(WebhookAttempt.number))
            )
            by_delivery: dict[str, list[WebhookAttempt]] = {i: [] for i in ids}
            for attempt in attempts:
                by_delivery[attempt.delivery_id].append(attempt)
            return [(d, by_delivery[d.id]) for d in deliveries]

    def count(self, endpoint_id: str) -> int:
        with Session(self._engine) as session:
            return session.exec(
                select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
            ).one()
