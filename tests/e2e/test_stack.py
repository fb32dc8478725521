"""End to end: the stack's real processes (Temporal dev server, `python -m workers`) with a
compressed delivery calendar carry orders from start to `delivered`: one high-value order with a
delivery code, and one identified online from real photos by the real vision worker."""

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from orderflow.blobs import BlobStore
from orderflow.cli.devstack.stack import DevStack
from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import (
    CourierHandover,
    HandoverResult,
    OrderStatus,
    SubmitPhotos,
)
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from orderflow.crypto import load_key
from orderflow.delivery_codes import live_code
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.outbox import SentMessage
from orderflow.storefront import start_order
from orderflow.temporal import connect
from synthetic_ids.submission import standard_submission
from tests.workflows.harness import make_order

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    data_dir: Path = tmp_path_factory.mktemp("stack")
    env = {
        "ORDERFLOW_DATA_DIR": str(data_dir),
        "ORDERFLOW_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "ORDERFLOW_COMPRESSED_DAY": "PT4S",
    }
    settings = Settings(data_dir=data_dir, temporal_address=env["ORDERFLOW_TEMPORAL_ADDRESS"], compressed_day="PT4S")
    dev = DevStack(settings, ui_port=free_port(), env=env)
    try:
        dev.start_temporal()
        dev.start_workers()
        yield dev
    finally:
        dev.stop()


async def wait_for(handle, stage: Stage, seconds: float = 90) -> OrderStatus:
    for _ in range(int(seconds * 10)):
        status = await handle.query(OrderWorkflowContract.status)
        if status.stage == stage:
            return status
        await asyncio.sleep(0.1)
    raise AssertionError(f"order stuck in {status.stage}, expected {stage}")


async def test_one_high_value_order_from_start_to_delivered(stack: DevStack):
    client = await connect(stack.settings)
    order = make_order(IdentMethod.NONE, unit_price="1299.00")
    handle = await start_order(client, order)

    status = await wait_for(handle, Stage.OUT_FOR_DELIVERY)
    assert status.code_required and status.attempt == 1
    engine = make_engine(stack.settings.sqlalchemy_url)
    code = live_code(engine, load_key(stack.settings.data_key), order.order_id, 1)
    assert code is not None

    result = await handle.execute_update(
        "courier_handover", CourierHandover(attempt=1, code=code), result_type=HandoverResult
    )

    assert result.accepted
    final = await handle.result()
    assert final.stage == Stage.DELIVERED
    with Session(engine) as session:
        sent = session.exec(select(SentMessage).where(SentMessage.order_id == order.order_id)).all()
    events = {m.event: m for m in sent}
    assert {"order_received", "parcel_dispatched", "delivery_code", "delivered"} <= set(events)
    assert code in events["delivery_code"].text_body


async def test_online_ident_with_real_photos_then_delivered(stack: DevStack):
    client = await connect(stack.settings)
    order = make_order(IdentMethod.ONLINE, unit_price="129.00")
    order.customer.last_name = "Müller-Lüdenscheidt"
    blobs = BlobStore(stack.settings.blob_path)
    refs = {}
    for side, data in standard_submission().items():
        refs[side] = blobs.new_ref(order.order_id, "jpg")
        blobs.write_chunks(refs[side], [data])
    handle = await start_order(client, order)
    await wait_for(handle, Stage.AWAITING_IDENT)

    # Uploaded in the wrong order: the vision worker sorts them itself.
    photos_submitted = SubmitPhotos(front_ref=refs["portrait"], back_ref=refs["front"], portrait_ref=refs["back"])
    result = await handle.execute_update(OrderWorkflowContract.submit_photos, photos_submitted)

    assert (result.verdict, result.stage) == ("passed", Stage.IDENTIFIED), result.reasons
    status = await wait_for(handle, Stage.OUT_FOR_DELIVERY)
    assert status.delivery_mode == "anyone_at_address" and not status.code_required
    await handle.execute_update(OrderWorkflowContract.courier_handover, CourierHandover(attempt=1))
    assert (await handle.result()).stage == Stage.DELIVERED
    for _ in range(50):  # the images go once the ident decision is final
        if not any(blobs.path(ref).exists() for ref in refs.values()):
            break
        await asyncio.sleep(0.1)
    assert not any(blobs.path(ref).exists() for ref in refs.values())
