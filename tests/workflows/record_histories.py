"""Records histories of finished orders for the replay test: `python -m tests.workflows.record_histories`.

Run it after a deliberate, compatible workflow change (or to add a scenario); commit the files.
"""

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from orderflow import search_attributes
from orderflow.commands import (
    CancelOrder,
    ClaimVideoSession,
    CourierHandover,
    DeliveryFailed,
    RequestVideoIdent,
    VideoIdentResult,
)
from orderflow.photo_ident import PhotoVerdict
from orderflow.settings import Settings
from orderflow.stages import Stage
from orderflow.store.engine import create_schema, make_engine
from orderflow.temporal import data_converter
from tests.conftest import BIN
from tests.workflows.harness import Harness, make_order, out_for_delivery, photos_for, running_order_worker
from workflows.order import OrderWorkflow

HISTORIES = Path(__file__).parent / "histories"


async def photo_passed_code_delivered(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-photo-code")
    h.fakes.verdicts = [PhotoVerdict.FAILED, PhotoVerdict.PASSED]
    handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
    await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))
    await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))
    await out_for_delivery(env, handle)
    wrong = f"{(int(h.code(order.order_id, 1)) + 1) % 1_000_000:06d}"
    await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=wrong))
    await handle.execute_update(
        OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=h.code(order.order_id, 1))
    )
    await handle.result()
    return handle.id


async def video_rejected_doorstep_delivered(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(make_order(order_id="R-video-doorstep", unit_price="99.00"), Stage.AWAITING_IDENT)
    session = await handle.execute_update(OrderWorkflow.request_video_ident, RequestVideoIdent())
    await handle.execute_update(
        OrderWorkflow.claim_video_session, ClaimVideoSession(session_id=session.session_id, agent_id="agent-1")
    )
    await handle.signal(
        OrderWorkflow.video_ident_result,
        VideoIdentResult(session_id=session.session_id, agent_id="agent-1", verdict="rejected", reason="blurred"),
    )
    await out_for_delivery(env, handle)
    await handle.signal(OrderWorkflow.delivery_failed, DeliveryFailed(attempt=1, reason="nobody at home"))
    await out_for_delivery(env, handle)
    await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=2, id_checked=True))
    await handle.result()
    return handle.id


async def deadline_then_returned(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start(make_order(order_id="R-deadline-returned"))
    await env.sleep(timedelta(minutes=61))
    for attempt in (1, 2, 3):
        await out_for_delivery(env, handle)
        if attempt == 2:
            await env.sleep(timedelta(hours=17))  # the day ends without a handover
        else:
            await handle.signal(OrderWorkflow.delivery_failed, DeliveryFailed(attempt=attempt, reason="refused"))
    await handle.result()
    return handle.id


async def cancelled_during_ident(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(make_order(order_id="R-cancelled"), Stage.AWAITING_IDENT)
    await handle.execute_update(OrderWorkflow.cancel, CancelOrder(reason="customer withdrew"))
    await handle.result()
    return handle.id


SCENARIOS: list[Callable[[WorkflowEnvironment, Harness], Awaitable[str]]] = [
    photo_passed_code_delivered,
    video_rejected_doorstep_delivered,
    deadline_then_returned,
    cancelled_during_ident,
]


async def main() -> None:
    settings = Settings(env="test", data_dir=Path(tempfile.mkdtemp()))
    engine = make_engine(settings.sqlalchemy_url)
    create_schema(engine)
    HISTORIES.mkdir(exist_ok=True)
    for scenario in SCENARIOS:
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=str(BIN / "temporal-test-server"), data_converter=data_converter(settings)
        )
        await search_attributes.register(env.client, "default")
        async with running_order_worker(env.client, engine, settings) as h:
            workflow_id = await scenario(env, h)
            history = await env.client.get_workflow_handle(workflow_id).fetch_history()
        (HISTORIES / f"{scenario.__name__}.json").write_text(history.to_json())
        print(f"recorded {scenario.__name__}: {len(history.events)} events")
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
