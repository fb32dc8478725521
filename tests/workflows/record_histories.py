"""Records the histories of finished orders for the replay test, one scenario per path of the lifecycle:
`python -m tests.workflows.record_histories <release>` writes `histories/<release>/`.

Histories are append-only: a release's folder is written once, by that release's code, and never again
(running orders carry exactly those histories). The scenarios talk to the workflow by the contract's names
and plain JSON, so this file also records with an older release's code checked out (docs/versioning.md).
"""

import asyncio
import hashlib
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from orderflow.contract import search_attributes
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from orderflow.temporal import data_converter
from tests.conftest import BIN
from tests.workflows.fingerprint import workflow_fingerprint
from tests.workflows.harness import (
    Harness,
    make_order,
    out_for_delivery,
    photos_for,
    running_order_worker,
    wait_for_stage,
)

HISTORIES = Path(__file__).parent / "histories"
FINGERPRINT_FILE = "workflow-fingerprint.txt"
CHECKSUMS_FILE = "SHA256SUMS"
OPERATOR = {"operator_id": "ops-1", "reason": "customer called the shop"}

Scenario = Callable[[WorkflowEnvironment, Harness], Awaitable[str]]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def history_of(env: WorkflowEnvironment, workflow_id: str) -> str:
    history = await env.client.get_workflow_handle(workflow_id).fetch_history()
    print(f"recorded {workflow_id}: {len(history.events)} events")
    return history.to_json()


async def update(handle: WorkflowHandle, name: str, payload: dict[str, Any] | None = None) -> Any:
    return await handle.execute_update(name, payload or {})


async def submit(handle: WorkflowHandle, order_id: str) -> Any:
    return await update(handle, "submit_photos", photos_for_json(order_id))


def photos_for_json(order_id: str) -> dict[str, str]:
    return photos_for(make_order(order_id=order_id)).model_dump()


async def video_call(handle: WorkflowHandle, verdict: str, reason: str = "") -> None:
    session = await update(handle, "request_video_ident")
    session_id = session["session_id"]
    await update(handle, "claim_video_session", {"session_id": session_id, "agent_id": "agent-1"})
    await handle.signal(
        "video_ident_result", {"session_id": session_id, "agent_id": "agent-1", "verdict": verdict, "reason": reason}
    )


async def photo_passed_code_delivered(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-photo-code")
    h.fakes.verdicts = [PhotoVerdict.FAILED, PhotoVerdict.PASSED]
    handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
    await submit(handle, order.order_id)
    second = await submit(handle, order.order_id)
    if second["verdict"] == "needs_review":  # from v2: a high-value order without a camera check goes to a human
        await approve_waiting_call(handle)
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1, "code": wrong(h.code(order.order_id, 1))})
    await update(handle, "courier_handover", {"attempt": 1, "code": h.code(order.order_id, 1)})
    await handle.result()
    return handle.id


async def approve_waiting_call(handle: WorkflowHandle) -> None:
    session_id = (await handle.query("status"))["video_session"]["session_id"]
    await update(handle, "claim_video_session", {"session_id": session_id, "agent_id": "agent-1"})
    await handle.signal("video_ident_result", {"session_id": session_id, "agent_id": "agent-1", "verdict": "approved"})


async def photo_failed_then_video_approved(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-photo-video", unit_price="99.00")
    h.fakes.verdicts = [PhotoVerdict.FAILED]
    handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
    await submit(handle, order.order_id)
    await video_call(handle, "approved")
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1})
    await handle.result()
    return handle.id


async def needs_review_opens_a_call(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-needs-review", unit_price="99.00")
    h.fakes.verdicts = [PhotoVerdict.NEEDS_REVIEW]
    handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
    await submit(handle, order.order_id)
    await approve_waiting_call(handle)
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1})
    await handle.result()
    return handle.id


async def video_rejected_doorstep_delivered(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(make_order(order_id="R-video-doorstep", unit_price="99.00"), Stage.AWAITING_IDENT)
    await video_call(handle, "rejected", reason="blurred")
    await out_for_delivery(env, handle)
    await handle.signal("delivery_failed", {"attempt": 1, "reason": "nobody at home"})
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 2, "id_checked": True})
    await handle.result()
    return handle.id


async def claimed_call_finishes_after_the_deadline(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(make_order(order_id="R-late-call", unit_price="99.00"), Stage.AWAITING_IDENT)
    session = await update(handle, "request_video_ident")
    await update(handle, "claim_video_session", {"session_id": session["session_id"], "agent_id": "agent-1"})
    await env.sleep(timedelta(minutes=58))  # the call was claimed before the deadline and runs past it
    await env.sleep(timedelta(minutes=5))
    verdict = {
        "session_id": session["session_id"],
        "agent_id": "agent-1",
        "verdict": "rejected",
        "reason": "expired ID",
    }
    await handle.signal("video_ident_result", verdict)
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1, "id_checked": True})
    await handle.result()
    return handle.id


async def claimed_call_expires_then_deadline(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(make_order(order_id="R-call-expired", unit_price="99.00"), Stage.AWAITING_IDENT)
    session = await update(handle, "request_video_ident")
    await update(handle, "claim_video_session", {"session_id": session["session_id"], "agent_id": "agent-1"})
    await env.sleep(timedelta(minutes=70))  # no verdict: the call expires, then the deadline passes
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1, "id_checked": True})
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
            await handle.signal("delivery_failed", {"attempt": attempt, "reason": "refused"})
    await handle.result()
    return handle.id


async def failed_attempt_then_fresh_code(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-fresh-code", ident_method="none")
    handle = await h.start(order)
    await out_for_delivery(env, handle)
    await handle.signal("delivery_failed", {"attempt": 1, "reason": "not_home"})
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 2, "code": h.code(order.order_id, 2)})
    await handle.result()
    return handle.id


async def code_locked_then_reopened(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-code-reopen", ident_method="none")
    handle = await h.start(order)
    await out_for_delivery(env, handle)
    for _ in range(5):
        await update(handle, "courier_handover", {"attempt": 1, "code": wrong(h.code(order.order_id, 1))})
    await update(handle, "operator_reopen_delivery_attempt", OPERATOR)
    await update(handle, "courier_handover", {"attempt": 1, "code": h.code(order.order_id, 1)})
    await handle.result()
    return handle.id


async def code_locked_then_returned(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-code-locked", ident_method="none")
    handle = await h.start(order)
    for attempt in (1, 2, 3):
        await out_for_delivery(env, handle)
        for _ in range(5):
            await update(
                handle, "courier_handover", {"attempt": attempt, "code": wrong(h.code(order.order_id, attempt))}
            )
    await handle.result()
    return handle.id


class PhotoCheckSwitch(list):
    """Verdicts for the scripted photo check: None (the check is down) until switched on, then "passed".

    However often the activity is retried, so the scenario runs the same with every release's harness."""

    down = True

    def pop(self, index: Any = -1) -> PhotoVerdict | None:
        return None if self.down else PhotoVerdict.PASSED


async def check_unavailable_then_passed(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-check-down", unit_price="99.00")
    h.fakes.verdicts = verdicts = PhotoCheckSwitch()
    handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
    await submit(handle, order.order_id)
    await submit(handle, order.order_id)
    verdicts.down = False
    await submit(handle, order.order_id)
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1})
    await handle.result()
    return handle.id


async def tries_used_then_doorstep(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-tries-used", unit_price="99.00")
    h.fakes.verdicts = [PhotoVerdict.FAILED] * 3
    handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
    for _ in range(3):
        await submit(handle, order.order_id)
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1, "id_checked": True})
    await handle.result()
    return handle.id


async def customer_chooses_doorstep(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(make_order(order_id="R-doorstep-choice", unit_price="99.00"), Stage.AWAITING_IDENT)
    await update(handle, "request_video_ident")
    await update(handle, "choose_doorstep")
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1, "id_checked": True})
    await handle.result()
    return handle.id


async def cancelled_during_ident(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(make_order(order_id="R-cancelled"), Stage.AWAITING_IDENT)
    await update(handle, "cancel", {"reason": "customer withdrew"})
    await handle.result()
    return handle.id


async def operator_resends_link_then_cancels(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(make_order(order_id="R-operator-cancel"), Stage.AWAITING_IDENT)
    await update(handle, "operator_resend_ident_link", OPERATOR)
    await update(handle, "cancel", {"reason": "fraud suspected", "operator_id": "ops-1"})
    await handle.result()
    return handle.id


async def operator_forces_doorstep_during_call(env: WorkflowEnvironment, h: Harness) -> str:
    handle = await h.start_at_stage(
        make_order(order_id="R-operator-doorstep", unit_price="99.00"), Stage.AWAITING_IDENT
    )
    session = await update(handle, "request_video_ident")
    await update(handle, "claim_video_session", {"session_id": session["session_id"], "agent_id": "agent-1"})
    await update(handle, "operator_force_doorstep", OPERATOR)
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1, "id_checked": True})
    await handle.result()
    return handle.id


# ----- from v2 -------------------------------------------------------------------------------------------


async def liveness_then_photos_code_delivered(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-liveness")
    h.fakes.verdicts = [PhotoVerdict.PASSED]
    handle = await h.start_at_stage(order, Stage.AWAITING_IDENT)
    challenge = await update(handle, "start_liveness")
    frames = [f"{order.order_id}/{i:032x}.jpg" for i in range(8)]
    answer = {
        "challenge_id": challenge["challenge_id"],
        "frame_refs": frames,
        "timestamps_ms": [i * 400.0 for i in range(8)],
    }
    await update(handle, "submit_liveness", answer)
    await submit(handle, order.order_id)
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1, "code": h.code(order.order_id, 1)})
    await handle.result()
    return handle.id


async def courier_turned_away_then_delivered(env: WorkflowEnvironment, h: Harness) -> str:
    order = make_order(order_id="R-turned-away", ident_method="none")
    handle = await h.start(order)
    status = await out_for_delivery(env, handle)
    await handle.signal("courier_turned_away", {"attempt": 1})
    await env.sleep(status.code_valid_until - await env.get_current_time() + timedelta(seconds=1))
    await out_for_delivery(env, handle)
    await update(handle, "courier_handover", {"attempt": 1, "code": h.code(order.order_id, 1)})
    await handle.result()
    return handle.id


# Workers stopping while real time passes: the time-skipping server holds its clock while a task waits for a
# worker, so these run on a dev server with 6-second delivery days.
RealClockScenario = Callable[[WorkflowEnvironment, Engine, Settings], Awaitable[str]]
SHORT_DAY = timedelta(seconds=6)


async def until(env: WorkflowEnvironment, moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - await env.get_current_time()).total_seconds()))


async def deliver_first_attempt_again(h: Harness, handle: WorkflowHandle, order_id: str) -> None:
    for _ in range(150):
        status = await handle.query("status")
        if status["stage"] == "out_for_delivery":
            break
        await asyncio.sleep(0.1)
    await update(handle, "courier_handover", {"attempt": 1, "code": h.code(order_id, 1)})
    await handle.result()


async def workers_back_after_the_day_ended(env: WorkflowEnvironment, engine: Engine, settings: Settings) -> str:
    async with running_order_worker(env.client, engine, settings) as h:
        order = make_order(order_id="R-day-missed", ident_method="none")
        handle = await h.start(order)
        first_day = (await wait_for_stage(handle, Stage.DISPATCHED)).next_delivery_day
    await until(env, first_day + SHORT_DAY + timedelta(seconds=1.5))
    async with running_order_worker(env.client, engine, settings, restart_of=h):
        await deliver_first_attempt_again(h, handle, order.order_id)
    return handle.id


async def workers_down_at_the_end_of_the_day(env: WorkflowEnvironment, engine: Engine, settings: Settings) -> str:
    async with running_order_worker(env.client, engine, settings) as h:
        order = make_order(order_id="R-day-ended-late", ident_method="none")
        handle = await h.start(order)
        first = await out_for_delivery(env, handle)
    await until(env, first.code_valid_until + timedelta(seconds=1.5))
    async with running_order_worker(env.client, engine, settings, restart_of=h):
        await h.fakes.sent("delivery_rescheduled")
        await deliver_first_attempt_again(h, handle, order.order_id)
    return handle.id


REAL_CLOCK_SINCE_V2: list[RealClockScenario] = [workers_back_after_the_day_ended, workers_down_at_the_end_of_the_day]


SCENARIOS: list[Scenario] = [
    photo_passed_code_delivered,
    photo_failed_then_video_approved,
    needs_review_opens_a_call,
    video_rejected_doorstep_delivered,
    claimed_call_finishes_after_the_deadline,
    claimed_call_expires_then_deadline,
    deadline_then_returned,
    failed_attempt_then_fresh_code,
    code_locked_then_reopened,
    code_locked_then_returned,
    check_unavailable_then_passed,
    tries_used_then_doorstep,
    customer_chooses_doorstep,
    cancelled_during_ident,
    operator_resends_link_then_cancels,
    operator_forces_doorstep_during_call,
]
# Scenarios of later releases: the contract names they use do not exist in older code.
SINCE_V2: list[Scenario] = [liveness_then_photos_code_delivered, courier_turned_away_then_delivered]


async def record(release: str, scenarios: list[Scenario], real_clock: list[RealClockScenario]) -> None:
    folder = HISTORIES / release
    if folder.exists():
        raise SystemExit(f"{folder} exists: recorded histories are never re-recorded; name a new release")
    settings = Settings(env="test", data_dir=Path(tempfile.mkdtemp()))
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    recorded: dict[str, str] = {}
    for scenario in scenarios:
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=str(BIN / "temporal-test-server"), data_converter=data_converter(settings)
        )
        await search_attributes.register(env.client, "default")
        async with running_order_worker(env.client, engine, settings) as h:
            workflow_id = await scenario(env, h)
        recorded[scenario.__name__] = await history_of(env, workflow_id)
        await env.shutdown()
    if real_clock:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(BIN / "temporal"),
            search_attributes=search_attributes.ALL,
            data_converter=data_converter(settings),
        )
        for real in real_clock:
            workflow_id = await real(env, engine, settings.model_copy(update={"compressed_day": SHORT_DAY}))
            recorded[real.__name__] = await history_of(env, workflow_id)
        await env.shutdown()
    # Written only when every scenario ran: a release's folder is complete or absent.
    folder.mkdir(parents=True)
    sums = []
    for name, history_json in recorded.items():
        (folder / f"{name}.json").write_text(history_json)
        sums.append(f"{hashlib.sha256(history_json.encode()).hexdigest()}  {name}.json\n")
    (folder / CHECKSUMS_FILE).write_text("".join(sums))
    (folder / FINGERPRINT_FILE).write_text(workflow_fingerprint() + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m tests.workflows.record_histories <release, e.g. 2026-12-hardening>")
    release = sys.argv[1]
    if release == "v1":
        asyncio.run(record(release, SCENARIOS, []))
    else:
        asyncio.run(record(release, SCENARIOS + SINCE_V2, REAL_CLOCK_SINCE_V2))
