"""One-time delivery codes: generated from `secrets`, sealed at rest, compared in constant time."""

import hmac
import secrets
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from sqlalchemy import Engine
from sqlmodel import Session, select

from orderflow.crypto import Keyring, open_sealed, seal
from orderflow.store.codes import DeliveryCode

CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _bound_to(order_id: str, attempt: int) -> bytes:
    # Binding the ciphertext to its row: a sealed code copied to another order does not open.
    return f"{order_id}:{attempt}".encode()


def seal_code(key: bytes | Keyring, order_id: str, attempt: int, code: str) -> bytes:
    current = key.current if isinstance(key, Keyring) else key
    return seal(current, code.encode(), _bound_to(order_id, attempt))


def open_code(key: bytes | Keyring, row: DeliveryCode) -> str:
    """With a keyring, a code sealed before a key rotation still opens (it lives a day at most)."""
    candidates = key.newest_first() if isinstance(key, Keyring) else [key]
    for candidate in candidates[:-1]:
        try:
            return open_sealed(candidate, row.sealed_code, _bound_to(row.order_id, row.attempt)).decode()
        except InvalidTag:
            continue  # sealed with an older key: GCM's tag tells, so trying is safe
    return open_sealed(candidates[-1], row.sealed_code, _bound_to(row.order_id, row.attempt)).decode()


def codes_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def find_code(engine: Engine, order_id: str, attempt: int) -> DeliveryCode | None:
    with Session(engine) as session:
        return session.exec(
            select(DeliveryCode)
            .where(DeliveryCode.order_id == order_id, DeliveryCode.attempt == attempt)
            .order_by(DeliveryCode.issue.desc())  # type: ignore[attr-defined]
        ).first()


def live_code(
    engine: Engine, key: bytes | Keyring, order_id: str, attempt: int, now: datetime | None = None
) -> str | None:
    """The plaintext code of this attempt while it is valid, for the customer's own eyes only."""
    row = find_code(engine, order_id, attempt)
    now = now or datetime.now(UTC)
    if row is None or as_utc(row.valid_until) <= now:
        return None
    return open_code(key, row)


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
