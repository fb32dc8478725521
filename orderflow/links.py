"""Signed customer links: HMAC-SHA256 over (purpose, order id, expiry), bound to one order.

A token is `<order_id>.<purpose>.<expires unix>.<signature>`, URL-safe, no server-side state.
"""

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from orderflow.settings import Settings


class LinkPurpose(StrEnum):
    IDENT = "ident"
    TRACK = "track"


class LinkInvalid(Exception):
    """Tampered, malformed or for another purpose."""


class LinkExpired(Exception):
    def __init__(self, order_id: str) -> None:
        super().__init__("link expired")
        self.order_id = order_id


# Long enough to cover the ident deadline plus every delivery attempt, short enough to die with the order.
LINK_LIFETIME = {LinkPurpose.IDENT: timedelta(days=2), LinkPurpose.TRACK: timedelta(days=30)}


def _signature(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def sign(settings: Settings, order_id: str, purpose: LinkPurpose, now: datetime | None = None) -> str:
    expires = int(((now or datetime.now(UTC)) + LINK_LIFETIME[purpose]).timestamp())
    message = f"{order_id}.{purpose.value}.{expires}"
    return f"{message}.{_signature(settings.link_secret, message)}"


def verify(settings: Settings, token: str, purpose: LinkPurpose, now: datetime | None = None) -> str:
    """The order id the token is bound to; raises LinkInvalid or LinkExpired."""
    message, _, signature = token.rpartition(".")
    order_id, _, rest = message.rpartition(f".{purpose.value}.")
    if not order_id or not rest.isdigit():
        raise LinkInvalid("malformed link")
    if not hmac.compare_digest(signature, _signature(settings.link_secret, message)):
        raise LinkInvalid("bad signature")
    if int(rest) < (now or datetime.now(UTC)).timestamp():
        raise LinkExpired(order_id)
    return order_id


def ident_url(settings: Settings, order_id: str, now: datetime | None = None) -> str:
    return f"{settings.public_base_url}/ident/{sign(settings, order_id, LinkPurpose.IDENT, now)}"


def tracking_url(settings: Settings, order_id: str, now: datetime | None = None) -> str:
    return f"{settings.public_base_url}/track/{sign(settings, order_id, LinkPurpose.TRACK, now)}"
