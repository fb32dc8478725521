"""The agent console (`/agent`): sign in, the waiting queue, claim a call, review the submission, verdict.

Pages for a browser; every decision goes through the same functions as the JSON agent API
(api/routes/agent.py), so the rules live in one place.
"""

from datetime import UTC, datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from temporalio.service import RPCError

from api.deps import BlobsDep, EngineDep, SettingsDep, TemporalDep
from api.errors import ApiError
from api.pages import staff_session
from api.pages.claim_cookie import COOKIE as CLAIM_COOKIE
from api.pages.claim_cookie import recalled_claim, remember_claim, session_path
from api.pages.rendering import render_page
from api.pages.staff_session import StaffSession
from api.pages.staff_sign_in import sign_in, sign_in_page, sign_out, signed_in
from api.routes.agent import SessionIdPath, Verdict, claim_session, record_verdict
from api.video_review import kept_images, photo_checks, read_image
from api.video_sessions import WaitingSession, calls_of_agent, find_session, waiting_sessions
from orderflow.blobs import BlobNotFound
from orderflow.contract.commands import OrderStatus
from orderflow.contract.outcomes import NOTE_MAX_LENGTH, VideoRejectReason, VideoSessionState
from orderflow.settings import Settings

router = APIRouter(prefix="/agent", include_in_schema=False)

FormText = Annotated[str, Form()]
CHECKLIST = ("document_genuine", "photo_matches", "data_matches", "consent")
# The queue page asks for news this often; a short poll is plenty for a queue that moves in minutes.
POLL_SECONDS = 5


def _queue_rows(waiting: list[WaitingSession], now: datetime) -> list[dict[str, object]]:
    return [
        {
            "session_id": entry.session_id,
            "order_id": entry.order_id,
            "requested_at": entry.requested_at.isoformat(),
            "ident_deadline": entry.ident_deadline.isoformat() if entry.ident_deadline else None,
            "waited_seconds": int((now - entry.requested_at).total_seconds()),
            "deadline_seconds": int((entry.ident_deadline - now).total_seconds()) if entry.ident_deadline else None,
        }
        for entry in waiting
    ]


async def _console(
    request: Request,
    session: StaffSession,
    temporal: TemporalDep,
    settings: Settings,
    message: str = "",
    code: int = 200,
) -> HTMLResponse:
    now = datetime.now(UTC)
    try:
        waiting = await waiting_sessions(temporal, settings)
        mine = await calls_of_agent(temporal, settings, session.actor_id)
        listed = True
    except RPCError:
        # Visibility (the list of orders) is away for a moment: the page still opens, says so, and polls on.
        waiting, mine, listed = [], [], False
    return render_page(
        request,
        "agent_console.html",
        status_code=code,
        session=session,
        rows=_queue_rows(waiting, now),
        mine=mine,
        listed=listed,
        message=message,
        poll_seconds=POLL_SECONDS,
    )


def _message(request: Request, session: StaffSession, status_code: int, key: str = "", text: str = "") -> HTMLResponse:
    return render_page(
        request, "staff_message.html", status_code=status_code, session=session, message_key=key, message=text
    )


@router.get("", response_class=HTMLResponse)
async def console(request: Request, temporal: TemporalDep, settings: SettingsDep) -> Response:
    """The queue of waiting calls (or the sign-in form)."""
    session = staff_session.current(request, "agent")
    if session is None:
        return sign_in_page(request, "agent")
    return await _console(request, session, temporal, settings)


@router.post("/sign-in")
async def agent_sign_in(request: Request, token: FormText = "", nonce: FormText = "") -> Response:
    return sign_in(request, "agent", token, nonce)


@router.post("/sign-out")
async def agent_sign_out(request: Request, csrf: FormText = "") -> Response:
    return sign_out(request, "agent", csrf)


@router.get("/queue")
async def queue(request: Request, temporal: TemporalDep, settings: SettingsDep) -> dict[str, object]:
    """The waiting calls as JSON, for the console's poll."""
    session = staff_session.current(request, "agent")
    if session is None:
        raise ApiError(401, "unauthorized", "sign in at /agent first")
    now = datetime.now(UTC)
    return {"now": now.isoformat(), "sessions": _queue_rows(await waiting_sessions(temporal, settings), now)}


@router.post("/sessions/{session_id}/claim")
async def claim(
    request: Request,
    session_id: SessionIdPath,
    temporal: TemporalDep,
    settings: SettingsDep,
    engine: EngineDep,
    csrf: FormText = "",
) -> Response:
    guard = signed_in(request, "agent", csrf)
    if isinstance(guard, Response):
        return guard
    try:
        result = await claim_session(temporal, settings, engine, session_id, guard.actor_id)
    except ApiError as refused:
        return await _console(request, guard, temporal, settings, message=refused.message, code=refused.status)
    response = RedirectResponse(session_path(session_id), status_code=303)
    remember_claim(response, settings, guard.actor_id, result)
    return response


async def _own_call(
    request: Request, session: StaffSession, status: OrderStatus | None
) -> tuple[OrderStatus | None, HTMLResponse | None]:
    """The order of a call this agent claimed, or the page that says why not."""
    if status is None or status.video_session is None:
        return None, _message(request, session, 404, "session_unknown")
    if status.video_session.agent_id != session.actor_id:
        return None, _message(request, session, 403, "not_your_call")
    return status, None


async def _session_page(
    request: Request,
    session: StaffSession,
    status: OrderStatus,
    settings: Settings,
    engine: EngineDep,
    blobs: BlobsDep,
    message_key: str = "",
    message: str = "",
    code: int = 200,
) -> HTMLResponse:
    video = status.video_session
    assert video is not None
    checks = await anyio.to_thread.run_sync(photo_checks, engine, status.order_id)
    images = kept_images(blobs, status.order_id, checks) if video.state == VideoSessionState.CLAIMED else []
    call_url = settings.video_call_url.replace("{session_id}", video.session_id) if settings.video_call_url else ""
    return render_page(
        request,
        "agent_session.html",
        status_code=code,
        session=session,
        status=status,
        video=video,
        claim=recalled_claim(request, settings, session.actor_id, video.session_id),
        checks=checks,
        images=images,
        call_url=call_url,
        reject_reasons=list(VideoRejectReason),
        checklist=CHECKLIST,
        note_max=NOTE_MAX_LENGTH,
        message_key=message_key,
        message=message,
    )


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
async def session_page(
    request: Request,
    session_id: SessionIdPath,
    temporal: TemporalDep,
    settings: SettingsDep,
    engine: EngineDep,
    blobs: BlobsDep,
) -> Response:
    """One claimed call: the data to compare, the submission, the checklist and the verdict form."""
    guard = signed_in(request, "agent")
    if isinstance(guard, Response):
        return guard
    status, refusal = await _own_call(request, guard, await find_session(temporal, settings, engine, session_id))
    if status is None:
        assert refusal is not None
        return refusal
    return await _session_page(request, guard, status, settings, engine, blobs)


@router.get("/sessions/{session_id}/images/{name}")
async def image(
    request: Request,
    session_id: SessionIdPath,
    name: str,
    temporal: TemporalDep,
    settings: SettingsDep,
    engine: EngineDep,
    blobs: BlobsDep,
) -> Response:
    """One ID image, only to the agent who claimed the call and only while it runs; never cached."""
    session = staff_session.current(request, "agent")
    if session is None:
        raise ApiError(401, "unauthorized", "sign in at /agent first")
    status = await find_session(temporal, settings, engine, session_id)
    video = status.video_session if status else None
    if status is None or video is None:
        raise ApiError(404, "unknown_session", f"there is no video session {session_id}")
    if video.agent_id != session.actor_id:
        raise ApiError(403, "foreign_session", "another agent claimed this call")
    if video.state != VideoSessionState.CLAIMED:
        raise ApiError(404, "image_not_found", "the images are shown only while the call runs")
    try:
        content, media_type = await anyio.to_thread.run_sync(read_image, blobs, status.order_id, name)
    except BlobNotFound:
        raise ApiError(404, "image_not_found", "this image is not (or no longer) kept") from None
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    return Response(content, media_type=media_type, headers=headers)


@router.post("/sessions/{session_id}/verdict")
async def verdict(
    request: Request,
    session_id: SessionIdPath,
    temporal: TemporalDep,
    settings: SettingsDep,
    engine: EngineDep,
    blobs: BlobsDep,
    csrf: FormText = "",
    decision: FormText = "",
    reason_code: FormText = "",
    note: FormText = "",
) -> Response:
    """The verdict: approve (every checklist point ticked) or reject with a reason code; the note stays internal."""
    guard = signed_in(request, "agent", csrf)
    if isinstance(guard, Response):
        return guard
    status, refusal = await _own_call(request, guard, await find_session(temporal, settings, engine, session_id))
    if status is None:
        assert refusal is not None
        return refusal
    form = await request.form()
    ticked = all(form.get(point) == "on" for point in CHECKLIST)
    problem = ""
    if decision == "approved" and not ticked:
        problem = "approve_needs_checklist"
    elif decision == "rejected" and reason_code not in VideoRejectReason.__members__.values():
        problem = "reject_needs_reason"
    if problem:
        return await _session_page(request, guard, status, settings, engine, blobs, message_key=problem, code=422)
    try:
        body = Verdict.model_validate(
            {"verdict": decision, "reason_code": reason_code if decision == "rejected" else None, "note": note}
        )
        recorded = await record_verdict(temporal, settings, engine, session_id, guard.actor_id, body)
    except ValidationError as invalid:
        text = "; ".join(str(error["msg"]) for error in invalid.errors())
        return await _session_page(request, guard, status, settings, engine, blobs, message=text, code=422)
    except ApiError as refused:
        return _message(request, guard, refused.status, text=refused.message)
    page = render_page(request, "agent_verdict.html", session=guard, recorded=recorded)
    page.delete_cookie(CLAIM_COOKIE, path=session_path(session_id))
    return page
