"""What the workflow leaves in the store: photo checks, video sessions, delivery attempts, and
no ID images once the ident decision is final."""

import asyncio
from collections.abc import Callable

from sqlmodel import Session, select

from orderflow.blobs import BlobStore
from orderflow.contract.commands import CourierHandover, OperatorAction, RequestVideoIdent, SubmitPhotos
from orderflow.contract.order import IdentMethod
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from orderflow.store.audit import AuditEvent
from orderflow.store.delivery import DeliveryAttempt
from orderflow.store.ident import IdentAttempt, VideoSession
from tests.workflows.harness import make_order, out_for_delivery, running_order_worker
from workflows.order import OrderWorkflow


async def eventually(read: Callable[[], list], count: int) -> list:
    for _ in range(200):  # store records are written in the background
        found = read()
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"expected {count} rows, found {read()}")


def rows(engine, table, order_id: str) -> Callable[[], list]:
    def read() -> list:
        with Session(engine) as session:
            return list(session.exec(select(table).where(table.order_id == order_id)).all())

    return read


async def test_photo_checks_recorded_and_images_deleted_once_identified(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        h.fakes.verdicts = [PhotoVerdict.FAILED, PhotoVerdict.PASSED]
        order = make_order(unit_price="99.00")
        blobs = BlobStore(settings.blob_path)
        refs = [blobs.new_ref(order.order_id, "jpg") for _ in range(3)]
        for ref in refs:
            blobs.write_chunks(ref, [b"\xff\xd8\xff fake jpeg"])
        photos = SubmitPhotos(front_ref=refs[0], back_ref=refs[1], portrait_ref=refs[2])
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)

        await handle.execute_update(OrderWorkflow.submit_photos, photos)
        assert all(blobs.path(ref).exists() for ref in refs)  # a retry may still need them
        await handle.execute_update(OrderWorkflow.submit_photos, photos)

        checks = await eventually(rows(engine, IdentAttempt, order.order_id), 2)
        assert sorted((c.submission, c.verdict) for c in checks) == [(1, "failed"), (2, "passed")]
        deletions = await eventually(
            lambda: [a for a in rows(engine, AuditEvent, order.order_id)() if "deleted" in a.note], 1
        )
        assert "3 ID image(s) deleted" in deletions[0].note
        assert not any(blobs.path(ref).exists() for ref in refs)


async def test_video_session_and_delivery_attempts_recorded(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
        session = await handle.execute_update(OrderWorkflow.request_video_ident, RequestVideoIdent())
        [video] = await eventually(rows(engine, VideoSession, order.order_id), 1)
        assert (video.session_id, video.state) == (session.session_id, "waiting")

        await handle.execute_update(
            OrderWorkflow.operator_force_doorstep, OperatorAction(operator_id="ops-1", reason="customer asked for it")
        )
        await out_for_delivery(time_skipping_env, handle)
        await handle.execute_update(
            OrderWorkflow.courier_handover, CourierHandover(attempt=1, code="000000", id_checked=True)
        )

        await eventually(lambda: [v for v in rows(engine, VideoSession, order.order_id)() if v.state == "withdrawn"], 1)
        [attempt] = await eventually(
            lambda: [a for a in rows(engine, DeliveryAttempt, order.order_id)() if a.wrong_codes == 1], 1
        )
        assert (attempt.attempt, attempt.delivery_mode, attempt.code_required) == (1, "recipient_with_id", True)


async def test_no_ident_order_has_no_images_to_delete(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.NONE)
        handle = await h.start(order)
        await out_for_delivery(time_skipping_env, handle)
        assert not [a for a in rows(engine, AuditEvent, order.order_id)() if "deleted" in a.note]
