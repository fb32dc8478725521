"""Stuck orders: open orders whose stage has not changed for longer than that stage allows.

One visibility query over the search attributes `OrderStage` and `StageEnteredAt`, the same one an
operator can paste into the Temporal UI (see docs/operators.md); each hit carries its UI link.
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from pydantic import BaseModel
from temporalio.client import Client, WorkflowExecution

from orderflow.contract import search_attributes as sa
from orderflow.contract.order import order_id_of
from orderflow.contract.stages import FINAL, Stage
from orderflow.ops.thresholds import stuck_thresholds
from orderflow.settings import Settings

_STAGE_NAMES = {stage.value for stage in Stage}


class StuckOrder(BaseModel):
    order_id: str
    workflow_id: str
    stage: Stage
    since: datetime
    age: timedelta
    threshold: timedelta
    ui_url: str


class StuckReport(BaseModel):
    as_of: datetime
    # The same search for the Temporal UI's search box.
    query: str
    orders: list[StuckOrder]
    # The search stopped at `limit`: visibility cannot sort by age, so older ones may be missing.
    truncated: bool = False


class NeverStuck(ValueError):
    """Asked for a final stage: delivered, returned and cancelled orders are done, not stuck."""


def limits_for(settings: Settings, stage: Stage | None, older_than: timedelta | None) -> dict[Stage, timedelta]:
    """The stages to look at and the age from which each counts as stuck."""
    if stage in FINAL:
        raise NeverStuck(f"{stage.value} is a final stage; orders there are never stuck")
    if older_than is not None and older_than < timedelta(0):
        raise ValueError("older_than must not be negative")
    limits = stuck_thresholds(settings)
    if stage is not None:
        limits = {stage: limits[stage]}
    if older_than is not None:
        limits = dict.fromkeys(limits, older_than)
    return limits


def stuck_query(limits: Mapping[Stage, timedelta], now: datetime) -> str:
    """The visibility query for orders older than their stage's limit, as of `now`."""
    per_stage = " OR ".join(
        f"({sa.ORDER_STAGE.name} = '{stage.value}' AND {sa.STAGE_ENTERED_AT.name} < '{_iso(now - limit)}')"
        for stage, limit in limits.items()
    )
    return f"WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running' AND ({per_stage})"


def ui_url(settings: Settings, namespace: str, workflow_id: str) -> str:
    return f"{settings.temporal_ui_url}/namespaces/{quote(namespace, safe='')}/workflows/{quote(workflow_id, safe='')}"


async def find_stuck(
    client: Client,
    settings: Settings,
    stage: Stage | None = None,
    older_than: timedelta | None = None,
    now: datetime | None = None,
    limit: int = 200,
) -> StuckReport:
    """Stuck orders, longest waiting first. `older_than` replaces the per-stage thresholds;
    `now` lets an operator (or a test) ask how things will look later."""
    limits = limits_for(settings, stage, older_than)
    now = now or datetime.now(UTC)
    query = stuck_query(limits, now)
    found = [
        _stuck_order(execution, limits, now, settings, client.namespace)
        async for execution in client.list_workflows(query, limit=limit)
    ]
    orders = sorted((order for order in found if order is not None), key=lambda order: order.since)
    return StuckReport(as_of=now, query=query, orders=orders, truncated=len(found) >= limit)


def _stuck_order(
    execution: WorkflowExecution, limits: Mapping[Stage, timedelta], now: datetime, settings: Settings, namespace: str
) -> StuckOrder | None:
    attributes = execution.typed_search_attributes
    stage_name = attributes.get(sa.ORDER_STAGE)
    since = attributes.get(sa.STAGE_ENTERED_AT)
    # Indexed by the query, so both are there; a stage this code does not know is skipped, not fatal.
    if stage_name not in _STAGE_NAMES or since is None:
        return None
    stage = Stage(stage_name)
    return StuckOrder(
        order_id=order_id_of(execution.id) or execution.id,
        workflow_id=execution.id,
        stage=stage,
        since=since,
        age=now - since,
        threshold=limits.get(stage, timedelta(0)),
        ui_url=ui_url(settings, namespace, execution.id),
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
