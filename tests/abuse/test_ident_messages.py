"""E-mails about identification: our outage blames no one and is said once; agents' free text stays internal."""

from orderflow.contract.commands import ClaimVideoSession, RequestVideoIdent, VideoIdentResult
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from tests.workflows.harness import make_order, photos_for, running_order_worker
from workflows.order import OrderWorkflow


async def test_an_unavailable_photo_check_is_its_own_message_sent_once(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(unit_price="99.00")  # below the threshold: no camera check needed
        h.fakes.verdicts = [None, None, PhotoVerdict.PASSED]
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)

        first = await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))
        second = await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))

        assert first.reasons == second.reasons == ["CHECK_UNAVAILABLE"]
        assert second.tries_left == settings.photo_tries  # our outage costs no try
        [outage] = await h.fakes.sent("photo_check_unavailable")
        assert outage.context.get("reasons") in (None, [])  # no "take sharper photos" advice
        passed = await handle.execute_update(OrderWorkflow.submit_photos, photos_for(order))
        assert passed.verdict == "passed"
        await h.fakes.sent("photo_ident_passed")
        assert h.fakes.events().count("photo_check_unavailable") == 1
        assert "photo_ident_failed" not in h.fakes.events()


async def test_an_agents_note_never_reaches_the_customer(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order()
        handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
        session = await handle.execute_update(OrderWorkflow.request_video_ident, RequestVideoIdent())
        await handle.execute_update(
            OrderWorkflow.claim_video_session, ClaimVideoSession(session_id=session.session_id, agent_id="agent-1")
        )
        note = "Customer seemed nervous; call +49 151 000000 and ask for Mr. X"

        await handle.signal(
            OrderWorkflow.video_ident_result,
            VideoIdentResult(
                session_id=session.session_id,
                agent_id="agent-1",
                verdict="rejected",
                reason_code="face_mismatch",
                reason=note,
            ),
        )

        [result] = await h.fakes.sent("video_ident_result")
        assert result.context["reason_code"] == "face_mismatch"
        assert note not in result.model_dump_json()
        status = await handle.query(OrderWorkflow.status)
        assert status.ident_outcome == "doorstep"
