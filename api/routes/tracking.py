"""Customer, through the signed tracking link: stage, who may accept, the live delivery code."""

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import EngineDep, LinkTokenPath, SettingsDep, TemporalDep, TrackOrderDep
from api.errors import responses
from api.pages.rendering import render_page
from api.workflow_calls import settled_status
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import FINAL, IdentOutcome, Stage
from orderflow.crypto import data_keys
from orderflow.delivery_codes import live_code
from orderflow.links import ident_url
from orderflow.wording.localtime import last_valid_moment

router = APIRouter(prefix="/track", tags=["customer"])


@router.get("/{token}", response_class=HTMLResponse, responses=responses(403, 404, 410, 422))
async def tracking_page(
    request: Request,
    token: LinkTokenPath,
    order_id: TrackOrderDep,
    temporal: TemporalDep,
    engine: EngineDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """The tracking page: stage, delivery mode, attempt, and the delivery code while it is valid."""
    status = await settled_status(temporal, order_id)
    code = None
    if status.stage == Stage.OUT_FOR_DELIVERY and status.code_required:
        # The database read blocks: off the event loop.
        key = data_keys(settings)
        code = await anyio.to_thread.run_sync(live_code, engine, key, order_id, status.attempt)
    # While identification is open, the customer's next step is on the ident page.
    ident_open = status.ident_outcome == IdentOutcome.PENDING and status.stage not in FINAL
    return render_page(
        request,
        "tracking.html",
        status=status,
        code=code,
        code_last_valid=last_valid_moment(status.code_valid_until) if status.code_valid_until else None,
        ident_url=ident_url(settings, order_id) if ident_open and status.ident_method == IdentMethod.ONLINE else None,
        refresh_seconds=None if status.stage in FINAL else 60,
        locale=status.locale,
    )
