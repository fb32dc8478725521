"""Signing agents and couriers in and out of their pages, and the guard every staff form passes."""

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import identify
from api.pages import staff_session
from api.pages.rendering import render_page
from api.pages.staff_session import Audience, StaffSession


def sign_in_page(request: Request, audience: Audience, message_key: str = "", status_code: int = 200) -> HTMLResponse:
    nonce = staff_session.new_sign_in_nonce()
    page = render_page(
        request, "staff_sign_in.html", status_code=status_code, audience=audience, nonce=nonce, message_key=message_key
    )
    staff_session.remember_sign_in_nonce(page, request.app.state.settings, audience, nonce)
    return page


def sign_in(request: Request, audience: Audience, token: str, nonce: str) -> Response:
    if not staff_session.sign_in_nonce_ok(request, audience, nonce):
        return sign_in_page(request, audience, "csrf_failed", status_code=403)
    tokens = request.app.state.tokens
    actor_id = identify(token, tokens.agents if audience == "agent" else tokens.couriers) if token else None
    if actor_id is None:
        return sign_in_page(request, audience, "bad_token", status_code=401)
    response = RedirectResponse(f"/{audience}", status_code=303)
    staff_session.issue(response, request.app.state.settings, audience, actor_id)
    response.delete_cookie(staff_session.sign_in_cookie(audience), path=staff_session.cookie_path(audience))
    return response


def sign_out(request: Request, audience: Audience, csrf: str) -> Response:
    guard = signed_in(request, audience, csrf)
    if isinstance(guard, Response):
        return guard
    page = sign_in_page(request, audience, "signed_out")
    staff_session.end(page, request.app.state.settings, audience)
    return page


def signed_in(request: Request, audience: Audience, csrf: str | None = None) -> StaffSession | Response:
    """The session, or the page to answer instead: sign in (401), or a stale form (403).

    `csrf` is the form's token for a state-changing request; None for a page that only shows.
    """
    session = staff_session.current(request, audience)
    if session is None:
        return sign_in_page(request, audience, "session_over" if csrf is not None else "", status_code=401)
    if csrf is not None and not staff_session.csrf_ok(session, csrf):
        return render_page(request, "staff_message.html", status_code=403, session=session, message_key="csrf_failed")
    return session
