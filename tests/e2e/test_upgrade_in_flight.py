"""A deploy meets running orders: orders start on the previous release's workers (its code, checked out from
git), those workers stop mid-flight, this release's workers take over, and every order ends where its path
leads, with no workflow task failing on the way.

The previous release is the code that recorded the second-newest folder of `tests/workflows/histories`
(its SOURCE_COMMIT): the newest one is this release's own (test_history_rules.py holds it to the code)."""

import asyncio
import io
import signal
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import text
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from orderflow.cli.devstack.stack import DevStack
from orderflow.contract.order import IdentMethod
from orderflow.crypto import load_key
from orderflow.delivery_codes import open_code
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.storefront import start_order
from orderflow.temporal import connect
from tests.e2e.test_stack import free_port
from tests.workflows.harness import make_order
from tests.workflows.test_replay import RELEASES

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PREVIOUS_RELEASE = (RELEASES[-2] / "SOURCE_COMMIT").read_text().strip()
DAY = 30  # seconds in a compressed delivery day: long enough to act within one on a busy machine
OPERATOR = {"operator_id": "ops-1", "reason": "courier mistyped the code"}


def checkout(commit: str, into: Path) -> Path:
    """The release's source tree, as `git archive` has it (no worktree left behind in the repository)."""
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


class Workers:
    """`python -m workers` of one source tree; SIGTERM stops it the way a deploy does."""

    def __init__(self, source: Path, env: dict[str, str], log: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workers"],
            cwd=source,  # the tree's own packages come first on sys.path
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DevStack, dict[str, str]]]:
    data_dir: Path = tmp_path_factory.mktemp("upgrade")
    address = f"127.0.0.1:{free_port()}"
    settings = Settings(env="dev", data_dir=data_dir, temporal_address=address, compressed_day=f"PT{DAY}S")
    dev = DevStack(settings, ui_port=free_port())
    env = {
        **dev.child_env(),
        "ORDERFLOW_ENV": "dev",
        "ORDERFLOW_DATA_DIR": str(data_dir),
        "ORDERFLOW_COMPRESSED_DAY": f"PT{DAY}S",
        "ORDERFLOW_LOG_FORMAT": "text",
    }
    try:
        dev.start_temporal()
        yield dev, env
    finally:
        dev.stop()


async def status_of(handle: WorkflowHandle) -> dict[str, Any]:
    return await handle.query("status")


async def wait_for(handle: WorkflowHandle, stage: str, attempt: int | None = None, seconds: float = 150) -> None:
    for _ in range(int(seconds * 5)):
        status = await status_of(handle)
        if status["stage"] == stage and attempt in (None, status["attempt"]):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{handle.id} stayed in {status['stage']} (attempt {status['attempt']}), expected {stage}")


def code_of(settings: Settings, order_id: str, attempt: int) -> str:
    """The live code of an attempt, read with plain SQL: the previous release's schema has no `issue` column."""
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT * FROM deliverycode WHERE order_id = :o AND attempt = :a"), {"o": order_id, "a": attempt}
            ).mappings()
            newest = max(rows, key=lambda row: row.get("issue", 1))
    finally:
        engine.dispose()
    return open_code(load_key(settings.data_key), SimpleNamespace(**newest))  # type: ignore[arg-type]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def workflow_task_failures(client: Client, workflow_id: str) -> int:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return sum(1 for event in history.events if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)


async def test_orders_started_on_the_previous_release_finish_on_this_one(stack, tmp_path: Path):
    dev, env = stack
    settings = dev.settings
    previous = checkout(PREVIOUS_RELEASE, tmp_path / "previous")
    log = settings.data_dir / "workers.log"
    old_workers = Workers(previous, env, log)
    client = await connect(settings)
    try:
        video = await start_order(client, make_order(IdentMethod.ONLINE, unit_price="99.00"))
        cancelled = await start_order(client, make_order(IdentMethod.ONLINE, unit_price="899.00"))
        failed_then_code = make_order(IdentMethod.NONE, unit_price="1299.00")
        second_attempt = await start_order(client, failed_then_code)
        doorstep = await start_order(client, make_order(IdentMethod.DOORSTEP, unit_price="120.00"))
        reopened_order = make_order(IdentMethod.NONE, unit_price="899.00")
        reopened = await start_order(client, reopened_order)

        # On the previous release: a video call is booked, two attempts go out, one fails, wrong codes are typed.
        await wait_for(video, "awaiting_ident")
        await video.execute_update("request_video_ident", {})
        await wait_for(cancelled, "awaiting_ident")
        await wait_for(second_attempt, "out_for_delivery", attempt=1)
        await second_attempt.signal("delivery_failed", {"attempt": 1, "reason": "nobody at home"})
        await wait_for(reopened, "out_for_delivery", attempt=1)
        first_code = code_of(settings, reopened_order.order_id, 1)
        for _ in range(2):
            await reopened.execute_update("courier_handover", {"attempt": 1, "code": wrong(first_code)})
    finally:
        old_workers.stop()

    new_workers = Workers(REPO, env, log)
    try:
        # This release finishes them.
        for _ in range(3):
            await reopened.execute_update("courier_handover", {"attempt": 1, "code": wrong(first_code)})
        assert (await status_of(reopened))["attempt_locked"]
        await reopened.execute_update("operator_reopen_delivery_attempt", OPERATOR)
        fresh_code = code_of(settings, reopened_order.order_id, 1)
        assert fresh_code != first_code  # the new rule reaches an order that started before it
        await reopened.execute_update("courier_handover", {"attempt": 1, "code": fresh_code})

        session_id = (await status_of(video))["video_session"]["session_id"]
        await video.execute_update("claim_video_session", {"session_id": session_id, "agent_id": "agent-1"})
        await video.signal(
            "video_ident_result", {"session_id": session_id, "agent_id": "agent-1", "verdict": "approved"}
        )
        await cancelled.execute_update("cancel", {"reason": "customer withdrew"})
        await wait_for(doorstep, "out_for_delivery")
        await doorstep.execute_update(
            "courier_handover", {"attempt": (await status_of(doorstep))["attempt"], "id_checked": True}
        )
        await wait_for(second_attempt, "out_for_delivery", attempt=2)
        code = code_of(settings, failed_then_code.order_id, 2)
        await second_attempt.execute_update("courier_handover", {"attempt": 2, "code": code})
        await wait_for(video, "out_for_delivery")
        await video.execute_update("courier_handover", {"attempt": (await status_of(video))["attempt"]})

        expected = {
            video: "delivered",
            cancelled: "cancelled",
            second_attempt: "delivered",
            doorstep: "delivered",
            reopened: "delivered",
        }
        for handle, stage in expected.items():
            assert (await handle.result()).stage == stage, handle.id
            assert await workflow_task_failures(client, handle.id) == 0, handle.id
    finally:
        new_workers.stop()
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
