"""Registered endpoints: create, list, enable/disable, rotate the secret, delete.

The plain secret leaves this module only from `create` and `rotate_secret` (shown once to the
operator) and from `signing_keys` (to the delivery activity, never logged).
"""

import secrets as random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from orderflow.crypto import Keyring
from orderflow.store.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from orderflow.webhooks.secrets import new_secret, open_secret, seal_secret, secret_key


def _now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Registry:
    def __init__(self, engine: Engine, keys: Keyring) -> None:
        self._engine = engine
        self._keys = keys

    def create(self, url: str, event_types: list[str], description: str) -> tuple[WebhookEndpoint, str]:
        endpoint_id = "ep_" + random.token_hex(12)
        secret = new_secret()
        now = _now()
        row = WebhookEndpoint(
            id=endpoint_id,
            url=url,
            description=description,
            event_types=sorted(set(event_types)),
            secret_sealed=seal_secret(self._keys, endpoint_id, secret),
            created_at=now,
            updated_at=now,
        )
        with Session(self._engine, expire_on_commit=False) as session:
            session.add(row)
            session.commit()
        return row, secret

    def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        with Session(self._engine) as session:
            return session.get(WebhookEndpoint, endpoint_id)

    def all(self) -> list[WebhookEndpoint]:
        with Session(self._engine) as session:
            return list(session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.created_at))))

    def subscribed(self, event_type: str) -> list[WebhookEndpoint]:
        return [e for e in self.all() if e.enabled and event_type in e.event_types]

    def set_enabled(self, endpoint_id: str, enabled: bool, reason: str = "") -> WebhookEndpoint | None:
        with Session(self._engine, expire_on_commit=False) as session:
            row = session.get(WebhookEndpoint, endpoint_id)
            if row is None:
                return None
            row.enabled = enabled
            row.disabled_reason = "" if enabled else reason[:200]
            row.updated_at = _now()
            session.add(row)
            session.commit()
            return row

    def rotate_secret(self, endpoint_id: str, grace: timedelta) -> tuple[WebhookEndpoint, str] | None:
        """A new secret; the old one keeps signing alongside it for `grace`, so receivers can switch."""
        secret = new_secret()
        with Session(self._engine, expire_on_commit=False) as session:
            row = session.get(WebhookEndpoint, endpoint_id)
            if row is None:
                return None
            row.previous_secret_sealed = row.secret_sealed
            row.previous_secret_expires_at = _now() + grace
            row.secret_sealed = seal_secret(self._keys, endpoint_id, secret)
            row.updated_at = _now()
            session.add(row)
            session.commit()
            return row, secret

    def delete(self, endpoint_id: str) -> bool:
        """The endpoint with its deliveries and their tries; queued deliveries are then skipped."""
        with Session(self._engine) as session:
            row = session.get(WebhookEndpoint, endpoint_id)
            if row is None:
                return False
            deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint_id)
            session.exec(delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries)))  # type: ignore[call-overload]
            session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint_id))  # type: ignore[call-overload]
            session.delete(row)
            session.commit()
            return True

    def signing_keys(self, endpoint: WebhookEndpoint, now: datetime | None = None) -> list[bytes]:
        """The current secret's key, and the previous one while its grace period lasts."""
        keys = [secret_key(open_secret(self._keys, endpoint.id, endpoint.secret_sealed))]
        expires = endpoint.previous_secret_expires_at
        if endpoint.previous_secret_sealed and expires and as_utc(expires) > (now or _now()):
            keys.append(secret_key(open_secret(self._keys, endpoint.id, endpoint.previous_secret_sealed)))
        return keys
