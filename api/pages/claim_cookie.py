"""What a claim answered (the customer's name and date of birth to compare, the call's end), kept for
the agent's session page in a cookie sealed with the data key.

The workflow tells these only once, to the agent who claims; the order status never carries them.
Sealed (AES-GCM, bound to agent and session), scoped to that session's pages and gone when the call
must end, so nothing about the customer is stored on the server or readable in the browser.
"""

import base64
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from fastapi import Request, Response
from pydantic import ValidationError

from orderflow.contract.commands import ClaimResult
from orderflow.crypto import data_keys, open_sealed, seal
from orderflow.settings import Settings

COOKIE = "orderflow_claim"


def session_path(session_id: str) -> str:
    return f"/agent/sessions/{session_id}"


def _bound_to(agent_id: str, session_id: str) -> bytes:
    return f"claim|{agent_id}|{session_id}".encode()


def remember_claim(response: Response, settings: Settings, agent_id: str, claim: ClaimResult) -> None:
    sealed = seal(data_keys(settings).current, claim.model_dump_json().encode(), _bound_to(agent_id, claim.session_id))
    seconds = int((claim.must_finish_by - datetime.now(UTC)).total_seconds())
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(sealed).decode(),
        max_age=max(seconds, 60),
        path=session_path(claim.session_id),
        httponly=True,
        samesite="strict",
        secure=settings.public_base_url.startswith("https://"),
    )


def recalled_claim(request: Request, settings: Settings, agent_id: str, session_id: str) -> ClaimResult | None:
    """The claim this browser made for the session, or None (another device, expired, tampered)."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        sealed = base64.urlsafe_b64decode(value.encode())
    except ValueError:
        return None
    for key in data_keys(settings).newest_first():
        try:
            plain = open_sealed(key, sealed, _bound_to(agent_id, session_id))
        except (InvalidTag, ValueError):
            continue
        try:
            return ClaimResult.model_validate_json(plain)
        except ValidationError:
            return None
    return None
