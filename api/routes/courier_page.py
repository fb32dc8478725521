"""The courier page (`/courier`), for a phone at the door: sign in, find the parcel, hand it over with
the code or after the ID check, or record a failed attempt with its reason.

It calls the courier API's own route functions (api/routes/courier.py), so the door rules live there only.
"""

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import OrderIdPath, TemporalDep
from api.errors import ApiError
from api.pages import staff_session
from api.pages.rendering import render_page
from api.pages.staff_session import StaffSession
from api.pages.staff_sign_in import sign_in, sign_in_page, sign_out, signed_in
from api.routes import courier
from orderflow.contract.outcomes import NOTE_MAX_LENGTH, FailureReason

router = APIRouter(prefix="/courier", include_in_schema=False)

FormText = Annotated[str, Form()]
# Same rule as the API's order id path: what a label's barcode or a typing thumb may produce.
ORDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _lookup(request: Request, session: StaffSession, message: str = "", code: int = 200) -> HTMLResponse:
    return render_page(request, "courier_lookup.html", status_code=code, session=session, message=message)


async def _door(
    request: Request,
    session: StaffSession,
    order_id: str,
    temporal: TemporalDep,
    message: str = "",
    outcome: str = "",
    code: int = 200,
    tries_left: int | None = None,
) -> HTMLResponse:
    check = await courier.what_to_check(order_id=order_id, _=session.actor_id, temporal=temporal)
    return render_page(
        request,
        "courier_door.html",
        status_code=code,
        session=session,
        check=check,
        message=message,
        outcome=outcome,
        tries_left=tries_left,
        failure_reasons=list(FailureReason),
        note_max=NOTE_MAX_LENGTH,
    )


@router.get("", response_class=HTMLResponse)
async def courier_home(request: Request) -> Response:
    """Enter or scan the order id (or sign in first)."""
    session = staff_session.current(request, "courier")
    if session is None:
        return sign_in_page(request, "courier")
    return _lookup(request, session)


@router.post("/sign-in")
async def courier_sign_in(request: Request, token: FormText = "", nonce: FormText = "") -> Response:
    return sign_in(request, "courier", token, nonce)


@router.post("/sign-out")
async def courier_sign_out(request: Request, csrf: FormText = "") -> Response:
    return sign_out(request, "courier", csrf)


@router.get("/find")
async def find(request: Request, order_id: str = "") -> Response:
    """The lookup form's target: on to the parcel's page."""
    guard = signed_in(request, "courier")
    if isinstance(guard, Response):
        return guard
    wanted = order_id.strip()
    if not ORDER_ID.match(wanted):
        return _lookup(request, guard, message=f"{wanted[:64]!r}: not an order number", code=422)
    return RedirectResponse(f"/courier/orders/{wanted}", status_code=303)


@router.get("/orders/{order_id}", response_class=HTMLResponse)
async def door(request: Request, order_id: OrderIdPath, temporal: TemporalDep) -> Response:
    """What to check at the door, and the forms for the handover and a failed attempt."""
    guard = signed_in(request, "courier")
    if isinstance(guard, Response):
        return guard
    try:
        return await _door(request, guard, order_id, temporal)
    except ApiError as refused:
        return _lookup(request, guard, message=refused.message, code=refused.status)


async def _answer_or_refusal(
    request: Request, session: StaffSession, order_id: str, temporal: TemporalDep, refused: ApiError
) -> HTMLResponse:
    try:
        return await _door(request, session, order_id, temporal, message=refused.message, code=refused.status)
    except ApiError as missing:
        return _lookup(request, session, message=missing.message, code=missing.status)


@router.post("/orders/{order_id}/handover")
async def handover(
    request: Request,
    order_id: OrderIdPath,
    temporal: TemporalDep,
    csrf: FormText = "",
    attempt: FormText = "",
    code: FormText = "",
    id_checked: FormText = "",
) -> Response:
    """Hand over with the customer's code and/or after checking the named recipient's ID."""
    guard = signed_in(request, "courier", csrf)
    if isinstance(guard, Response):
        return guard
    try:
        body = courier.Handover.model_validate(
            {"attempt": attempt, "code": code.strip() or None, "id_checked": id_checked == "on"}
        )
    except ValidationError:
        refusal = ApiError(422, "invalid_request", "the code has 6 digits")
        return await _answer_or_refusal(request, guard, order_id, temporal, refusal)
    try:
        answer = await courier.handover(order_id=order_id, body=body, _=guard.actor_id, temporal=temporal)
    except ApiError as refused:
        return await _answer_or_refusal(request, guard, order_id, temporal, refused)
    return await _door(
        request, guard, order_id, temporal, message=answer.message, outcome=answer.reason, tries_left=answer.tries_left
    )


@router.post("/orders/{order_id}/failed-attempt")
async def failed_attempt(
    request: Request,
    order_id: OrderIdPath,
    temporal: TemporalDep,
    csrf: FormText = "",
    attempt: FormText = "",
    reason: FormText = "",
    note: FormText = "",
) -> Response:
    """Record that this attempt failed, with a reason code and an optional internal note."""
    guard = signed_in(request, "courier", csrf)
    if isinstance(guard, Response):
        return guard
    try:
        body = courier.FailedAttempt.model_validate({"attempt": attempt, "reason": reason, "note": note})
    except ValidationError:
        refusal = ApiError(
            422, "invalid_request", f"choose a reason; the note holds at most {NOTE_MAX_LENGTH} characters"
        )
        return await _answer_or_refusal(request, guard, order_id, temporal, refusal)
    try:
        await courier.failed_attempt(order_id=order_id, body=body, _=guard.actor_id, temporal=temporal)
    except ApiError as refused:
        return await _answer_or_refusal(request, guard, order_id, temporal, refused)
    return await _door(request, guard, order_id, temporal, outcome="failed_recorded")
