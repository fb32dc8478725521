"""Customer, through the signed ident link: the page, the three photos, a video call, the doorstep check."""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from api.deps import BlobsDep, IdentOrderDep, LinkTokenPath, SettingsDep, TemporalDep
from api.errors import ApiError, conflict_if, responses
from api.pages.rendering import render_page, wants_page
from api.routes.liveness import router as liveness_router
from api.uploads import PHOTO_FIELDS, discard_refs, receive_photos
from api.workflow_calls import open_order_status, run_update, settled_status
from orderflow.contract.commands import (
    OrderStatus,
    PhotoSubmissionResult,
    SubmitPhotos,
)
from orderflow.contract.guards import photo_submission_refusal
from orderflow.contract.stages import IdentOutcome, NextAction, Stage
from orderflow.links import tracking_url

router = APIRouter(prefix="/ident", tags=["customer"])

LINK_ERRORS = responses(403, 404, 409, 410, 422)

_PHOTO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": list(PHOTO_FIELDS),
                    "properties": {
                        field: {"type": "string", "format": "binary", "description": "JPEG or PNG"}
                        for field in PHOTO_FIELDS
                    },
                }
            }
        },
    }
}


class IdentState(BaseModel):
    """Where the customer's identification stands and what they can do next."""

    stage: Stage
    ident_outcome: IdentOutcome
    ident_deadline: datetime | None
    photo_tries_left: int
    video_session_id: str | None
    next_actions: list[NextAction]

    @classmethod
    def of(cls, status: OrderStatus) -> "IdentState":
        return cls(
            stage=status.stage,
            ident_outcome=status.ident_outcome,
            ident_deadline=status.ident_deadline,
            photo_tries_left=status.photo_tries_left,
            video_session_id=status.video_session.session_id if status.video_session else None,
            next_actions=status.next_actions,
        )


def _back_to_page(request: Request) -> RedirectResponse:
    # Without JavaScript the forms post here directly: show the page again, in its new state.
    return RedirectResponse(request.url.path.rsplit("/", 1)[0], status_code=303)


def _may_submit_photos(status: OrderStatus) -> None:
    # Checked before the body is read, so refused photos are never stored; the workflow's
    # validator decides for good (the deadline among others) when the update arrives.
    conflict_if(photo_submission_refusal(status.stage, status.photo_tries_left))


@router.get("/{token}", response_class=HTMLResponse, responses=LINK_ERRORS)
async def ident_page(
    request: Request, token: LinkTokenPath, order_id: IdentOrderDep, temporal: TemporalDep, settings: SettingsDep
) -> HTMLResponse:
    """The online identification page: photos by camera or file, verdict and next steps."""
    status = await settled_status(temporal, order_id)
    waiting = status.stage in (Stage.PHOTO_CHECK, Stage.AWAITING_VIDEO_AGENT, Stage.VIDEO_IN_PROGRESS)
    return render_page(
        request,
        "ident.html",
        status=status,
        page_path=request.url.path,
        tracking_url=tracking_url(settings, order_id),
        max_upload_bytes=settings.max_upload_bytes,
        refresh_seconds=15 if waiting else None,
        locale=status.locale,
    )


@router.post(
    "/{token}/photos",
    response_model=PhotoSubmissionResult,
    responses=responses(403, 404, 409, 410, 413, 415, 422),
    openapi_extra=_PHOTO_BODY,
)
async def submit_photos(
    request: Request,
    token: LinkTokenPath,
    order_id: IdentOrderDep,
    temporal: TemporalDep,
    blobs: BlobsDep,
    settings: SettingsDep,
) -> PhotoSubmissionResult | Response:
    """Send the three photos (multipart `front`, `back`, `portrait`); answers with the verdict."""
    _may_submit_photos(await open_order_status(temporal, order_id))
    refs = await receive_photos(request, blobs, order_id, settings.max_upload_bytes)
    photos = SubmitPhotos(front_ref=refs["front"], back_ref=refs["back"], portrait_ref=refs["portrait"])
    try:
        result = await run_update(temporal, order_id, lambda orders: orders.submit_photos(order_id, photos))
    except ApiError:
        # Refused by the validator: the workflow never saw these references.
        discard_refs(blobs, refs)
        raise
    return _back_to_page(request) if wants_page(request) else result


@router.post("/{token}/video", response_model=IdentState, responses=LINK_ERRORS)
async def request_video(
    request: Request, token: LinkTokenPath, order_id: IdentOrderDep, temporal: TemporalDep
) -> IdentState | Response:
    """Ask for a video call with an agent instead of (more) photos."""
    await open_order_status(temporal, order_id)
    await run_update(temporal, order_id, lambda orders: orders.request_video_ident(order_id))
    if wants_page(request):
        return _back_to_page(request)
    return IdentState.of(await settled_status(temporal, order_id))


@router.post("/{token}/doorstep", response_model=IdentState, responses=LINK_ERRORS)
async def choose_doorstep(
    request: Request, token: LinkTokenPath, order_id: IdentOrderDep, temporal: TemporalDep
) -> IdentState | Response:
    """Skip online identification: the courier checks the ID at the door."""
    await open_order_status(temporal, order_id)
    status = await run_update(temporal, order_id, lambda orders: orders.choose_doorstep(order_id))
    return _back_to_page(request) if wants_page(request) else IdentState.of(status)


# The camera check lives in its own module; its routes share this prefix and the signed link.
router.include_router(liveness_router)
