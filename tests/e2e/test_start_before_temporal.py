"""A worker and the API that start while the Temporal server is not up (a reboot, a deploy) wait for it,
say so in their logs, and serve once it is there; the API's /readyz says not ready until then."""

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from orderflow.cli.devstack.stack import DevStack
from orderflow.settings import Settings
from tests.e2e.test_stack import free_port

pytestmark = pytest.mark.e2e

TOKEN = "storefront-startup-token"
WAIT = 60.0  # seconds; a busy shared machine starts a process slowly


def until(condition: Callable[[], bool], what: str, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.2)


class Process:
    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self.popen = subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
        self.name = name

    def said(self, text: str) -> bool:
        return text in self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@pytest.fixture
def not_yet(tmp_path: Path) -> Iterator[tuple[DevStack, list[Process]]]:
    address = f"127.0.0.1:{free_port()}"  # nothing listens here yet
    env = {
        "ORDERFLOW_DATA_DIR": str(tmp_path),
        "ORDERFLOW_TEMPORAL_ADDRESS": address,
        "ORDERFLOW_LOG_FORMAT": "text",
        "ORDERFLOW_MAIL_DRY_RUN": "true",
        "ORDERFLOW_ENV": "dev",
        "ORDERFLOW_STOREFRONT_TOKEN": TOKEN,  # the API accepts the development tokens only there
    }
    stack = DevStack(Settings(data_dir=tmp_path, temporal_address=address), ui_port=free_port(), env=env)
    processes: list[Process] = []
    try:
        yield stack, processes
    finally:
        for process in processes:
            process.stop()
        stack.stop()


def test_worker_and_api_wait_for_the_server_and_serve_once_it_is_up(not_yet, tmp_path):
    stack, processes = not_yet
    api_port = free_port()
    worker = Process("worker", [sys.executable, "-m", "workers.orders"], stack.child_env(), tmp_path / "worker.log")
    api_command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(api_port)]
    api = Process("api", api_command, stack.child_env(), tmp_path / "api.log")
    processes += [worker, api]
    readyz = f"http://127.0.0.1:{api_port}/readyz"

    def answers(url: str) -> httpx.Response | None:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            return None

    until(lambda: worker.said("is unreachable") and api.said("is unreachable"), "both log that they wait")
    until(lambda: answers(readyz) is not None, "the API answers while it waits")
    waiting = answers(readyz)
    assert waiting is not None and waiting.status_code == 503
    assert waiting.json()["temporal"] == "connecting"
    orders = httpx.get(
        f"http://127.0.0.1:{api_port}/orders/A-1", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )
    assert (orders.status_code, orders.json()["code"]) == (503, "temporal_unavailable")
    assert worker.popen.poll() is None and api.popen.poll() is None, "a process gave up"
    assert "retrying in" in worker.log.read_text()

    stack.start_temporal()

    until(lambda: worker.said("workers running on"), "the worker polls once the server is up")

    def ready() -> bool:
        answer = answers(readyz)
        return answer is not None and answer.status_code == 200

    until(ready, "/readyz flips to ready")
    assert api.said("reached after")
