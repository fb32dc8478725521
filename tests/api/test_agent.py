"""Video agents: the queue (Temporal visibility, so the dev server), claim, verdict."""

import asyncio
import uuid

from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import RequestVideoIdent
from orderflow.contract.stages import Stage
from tests.api.stack import AGENT_7, AGENT_8, COURIER, STOREFRONT
from tests.workflows.harness import make_order, wait_for_stage


async def waiting_call(api):
    """An order whose customer asked for a video call, once the agent queue shows it."""
    order = make_order()
    handle = await api.h.start_at_stage(order, Stage.AWAITING_IDENT)
    session = await handle.execute_update(OrderWorkflowContract.request_video_ident, RequestVideoIdent())
    for _ in range(100):  # visibility follows the workflow by a moment
        queue = (await api.http.get("/agent/video-sessions", headers=AGENT_7)).json()
        if any(entry["session_id"] == session.session_id for entry in queue):
            return order.order_id, session.session_id, handle
        await asyncio.sleep(0.1)
    raise AssertionError("the waiting call never showed in the agent queue")


async def test_queue_claim_and_approve(api):
    order_id, session_id, handle = await waiting_call(api)
    queue = (await api.http.get("/agent/video-sessions", headers=AGENT_7)).json()
    [entry] = [e for e in queue if e["session_id"] == session_id]
    assert entry["order_id"] == order_id and entry["ident_deadline"]
    assert "first_name" not in entry  # personal data only for the agent who claims the call

    claim = await api.http.post(f"/agent/video-sessions/{session_id}/claim", headers=AGENT_7)

    assert claim.status_code == 200, claim.text
    claimed = claim.json()
    assert claimed["accepted"] and claimed["order_id"] == order_id
    assert (claimed["last_name"], claimed["date_of_birth"]) == ("Mustermann", "1964-08-12")
    status = await wait_for_stage(handle, Stage.VIDEO_IN_PROGRESS)
    assert status.video_session.agent_id == "agent-7"

    result = await api.http.post(
        f"/agent/video-sessions/{session_id}/result",
        json={"verdict": "approved", "reason": "document and face checked"},
        headers=AGENT_7,
    )

    assert result.status_code == 200, result.text
    assert result.json()["verdict"] == "approved"
    assert result.json()["ident_outcome"] == "video_approved"
    assert result.json()["stage"] != "video_in_progress"
    assert (await wait_for_stage(handle, Stage.DISPATCHED)).delivery_mode == "anyone_at_address"
    decided = await api.http.post(
        f"/agent/video-sessions/{session_id}/result",
        json={"verdict": "rejected", "reason_code": "other"},
        headers=AGENT_7,
    )
    assert (decided.status_code, decided.json()["code"]) == (409, "session_decided")
    reclaimed = await api.http.post(f"/agent/video-sessions/{session_id}/claim", headers=AGENT_8)
    assert (reclaimed.status_code, reclaimed.json()["code"]) == (409, "session_not_waiting")
    assert (await wait_for_stage(handle, Stage.DISPATCHED)).ident_outcome == "video_approved"


async def test_rejected_verdict_means_doorstep(api):
    _, session_id, handle = await waiting_call(api)
    await api.http.post(f"/agent/video-sessions/{session_id}/claim", headers=AGENT_8)

    result = await api.http.post(
        f"/agent/video-sessions/{session_id}/result",
        json={"verdict": "rejected", "reason_code": "face_mismatch", "note": "photo differs"},
        headers=AGENT_8,
    )

    assert result.status_code == 200
    assert result.json()["ident_outcome"] == "doorstep"
    assert result.json()["reason_code"] == "face_mismatch"
    assert (await wait_for_stage(handle, Stage.DISPATCHED)).delivery_mode == "recipient_with_id"


async def test_claim_refusals(api):
    _, session_id, _ = await waiting_call(api)
    unknown = await api.http.post(f"/agent/video-sessions/{uuid.uuid4()}/claim", headers=AGENT_7)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_session")
    assert (await api.http.post(f"/agent/video-sessions/{session_id}/claim", headers=AGENT_7)).status_code == 200

    again = await api.http.post(f"/agent/video-sessions/{session_id}/claim", headers=AGENT_8)

    assert again.status_code == 409
    assert again.json()["code"] == "session_not_waiting"
    assert "claimed" in again.json()["message"]


async def test_result_refusals_leave_the_call_alone(api):
    _, session_id, handle = await waiting_call(api)
    url = f"/agent/video-sessions/{session_id}/result"

    unclaimed = await api.http.post(url, json={"verdict": "approved"}, headers=AGENT_7)
    assert (unclaimed.status_code, unclaimed.json()["code"]) == (409, "session_not_claimed")

    await api.http.post(f"/agent/video-sessions/{session_id}/claim", headers=AGENT_7)
    foreign = await api.http.post(url, json={"verdict": "approved"}, headers=AGENT_8)
    assert (foreign.status_code, foreign.json()["code"]) == (409, "foreign_session")

    unknown = await api.http.post(
        f"/agent/video-sessions/{uuid.uuid4()}/result", json={"verdict": "approved"}, headers=AGENT_7
    )
    assert unknown.status_code == 404

    # The agent id comes from the token, never from the body.
    smuggled = await api.http.post(url, json={"verdict": "approved", "agent_id": "agent-8"}, headers=AGENT_8)
    assert smuggled.status_code == 422
    bad_verdict = await api.http.post(url, json={"verdict": "maybe"}, headers=AGENT_7)
    assert bad_verdict.status_code == 422
    # A rejection names its reason code from the closed set; the note is bounded.
    uncoded = await api.http.post(url, json={"verdict": "rejected", "note": "looks off"}, headers=AGENT_7)
    assert (uncoded.status_code, uncoded.json()["code"]) == (422, "invalid_request")
    assert "reason_code" in uncoded.json()["message"]
    unknown_code = await api.http.post(url, json={"verdict": "rejected", "reason_code": "vibes"}, headers=AGENT_7)
    assert unknown_code.status_code == 422
    long_note = await api.http.post(url, json={"verdict": "approved", "note": "x" * 501}, headers=AGENT_7)
    assert long_note.status_code == 422
    assert (
        await api.http.post(url, content=b"{not json", headers={**AGENT_7, "Content-Type": "application/json"})
    ).status_code == 422

    status = await wait_for_stage(handle, Stage.VIDEO_IN_PROGRESS)
    assert status.video_session.state == "claimed" and status.video_session.agent_id == "agent-7"


async def test_agent_token_is_required(api):
    for headers in ({}, STOREFRONT, COURIER, {"Authorization": "Bearer agent-7"}):
        assert (await api.http.get("/agent/video-sessions", headers=headers)).status_code == 401
        assert (await api.http.post(f"/agent/video-sessions/{uuid.uuid4()}/claim", headers=headers)).status_code == 401
    response = await api.http.post(f"/agent/video-sessions/{uuid.uuid4()}/result", json={"verdict": "approved"})
    assert response.status_code == 401


async def test_malformed_session_id_is_422(api):
    response = await api.http.post("/agent/video-sessions/'%20OR%201=1/claim", headers=AGENT_7)

    assert response.status_code == 422
