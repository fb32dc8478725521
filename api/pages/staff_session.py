"""Signed-in sessions of agents and couriers on their pages: a cookie, never the token itself.

The cookie holds `<audience>.<actor id, base64>.<expires unix>.<session id>.<signature>`: HMAC-SHA256
with a key derived from the link secret for this purpose alone, so a customer link can never pass for a
session. Nothing is kept on the server; the actor must still be in the token table on every request,
so taking an agent's token out of the settings ends their sessions as well.

Forms carry a CSRF token derived from the session id (and, before sign-in, a random value that must
match a short-lived cookie), on top of SameSite=strict.
"""

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Literal

from fastapi import Request, Response

from api.auth import Tokens
from orderflow.settings import Settings

Audience = Literal["agent", "courier"]

# A working shift; signing in again after it is cheap.
SESSION_SECONDS = 10 * 60 * 60
SIGN_IN_SECONDS = 30 * 60


@dataclass(frozen=True)
class StaffSession:
    audience: Audience
    actor_id: str
    session_id: str
    expires: int
    csrf: str


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.link_secret.encode(), b"orderflow staff session v1", hashlib.sha256).digest()


def _mac(settings: Settings, message: str) -> str:
    digest = hmac.new(_key(settings), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def cookie_name(audience: Audience) -> str:
    return f"orderflow_{audience}"


def cookie_path(audience: Audience) -> str:
    return f"/{audience}"


def _secure(settings: Settings) -> bool:
    # Plain http only on a developer's machine (and in tests); a browser drops Secure cookies there.
    return settings.public_base_url.startswith("https://")


def _tokens_of(tokens: Tokens, audience: Audience) -> dict[str, str]:
    return tokens.agents if audience == "agent" else tokens.couriers


def issue(response: Response, settings: Settings, audience: Audience, actor_id: str) -> None:
    expires = int(time.time()) + SESSION_SECONDS
    actor = base64.urlsafe_b64encode(actor_id.encode()).decode().rstrip("=")
    message = f"{audience}.{actor}.{expires}.{secrets.token_urlsafe(16)}"
    response.set_cookie(
        cookie_name(audience),
        f"{message}.{_mac(settings, message)}",
        max_age=SESSION_SECONDS,
        path=cookie_path(audience),
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
    )


def end(response: Response, settings: Settings, audience: Audience) -> None:
    response.delete_cookie(
        cookie_name(audience), path=cookie_path(audience), httponly=True, samesite="strict", secure=_secure(settings)
    )


def current(request: Request, audience: Audience) -> StaffSession | None:
    """The signed-in session of this audience, or None (no cookie, forged, expired, actor removed)."""
    settings: Settings = request.app.state.settings
    value = request.cookies.get(cookie_name(audience), "")
    message, _, signature = value.rpartition(".")
    parts = message.split(".")
    if len(parts) != 4 or not hmac.compare_digest(signature, _mac(settings, message)):
        return None
    named, actor, expires, session_id = parts
    if named != audience or not expires.isdigit() or int(expires) < time.time():
        return None
    actor_id = base64.urlsafe_b64decode(actor + "=" * (-len(actor) % 4)).decode()
    if actor_id not in _tokens_of(request.app.state.tokens, audience).values():
        return None
    csrf = _mac(settings, f"csrf.{audience}.{session_id}")
    return StaffSession(audience, actor_id, session_id, int(expires), csrf)


def csrf_ok(session: StaffSession, presented: str) -> bool:
    return hmac.compare_digest(presented.encode(), session.csrf.encode())


# Before sign-in there is no session to bind the form to: a random value in a cookie and in the form
# must match (double submit), so another site cannot sign someone in under its own token.
def sign_in_cookie(audience: Audience) -> str:
    return f"orderflow_{audience}_sign_in"


def new_sign_in_nonce() -> str:
    return secrets.token_urlsafe(16)


def remember_sign_in_nonce(response: Response, settings: Settings, audience: Audience, nonce: str) -> None:
    response.set_cookie(
        sign_in_cookie(audience),
        nonce,
        max_age=SIGN_IN_SECONDS,
        path=cookie_path(audience),
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
    )


def sign_in_nonce_ok(request: Request, audience: Audience, presented: str) -> bool:
    expected = request.cookies.get(sign_in_cookie(audience), "")
    return bool(expected) and hmac.compare_digest(presented.encode(), expected.encode())
