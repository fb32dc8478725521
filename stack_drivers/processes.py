"""The stack's real processes, each one killable: the Temporal dev server (persisted to a file, so a
restart keeps every order), `python -m workers` and the API under uvicorn, logs to files.

`DevStack` starts the server; this class adds what a crash test needs: SIGKILL a process, start it
again, and measure how long a fresh worker process takes to poll (that bounds every recovery).
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from orderflow.cli.devstack.stack import DevStack, stop_in_order
from orderflow.contract import task_queues
from orderflow.settings import Settings

STARTUP_SECONDS = 120.0  # a busy 2-core machine imports OpenCV and deepface slowly


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Restart:
    process: str
    seconds_to_ready: float  # workers: process start to its first poll; API: to /readyz ok


@dataclass
class StackProcesses:
    data_dir: Path
    env: dict[str, str]
    api_port: int = field(default_factory=free_port)
    restarts: list[Restart] = field(default_factory=list)
    kills: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        address = f"127.0.0.1:{free_port()}"
        self.env = {
            "ORDERFLOW_DATA_DIR": str(self.data_dir),
            "ORDERFLOW_TEMPORAL_ADDRESS": address,
            "ORDERFLOW_LOG_FORMAT": "text",
            **self.env,
        }
        self.settings = Settings(data_dir=self.data_dir, temporal_address=address)
        self.dev = DevStack(self.settings, api_port=self.api_port, ui_port=free_port(), env=self.env)
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    # ----- starting ---------------------------------------------------------------------------------

    def start_temporal(self) -> None:
        self.dev.start_temporal()  # waits until the server answers and knows our search attributes
        self.processes["temporal"] = self.dev.processes["temporal"]

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.data_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, env=self.dev.child_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def start_workers(self, module: str = "workers") -> float:
        """Starts `python -m <module>` (default: all four workers in one process) as "workers"; returns the
        seconds from process start to its first poll on the orders queue."""
        started = time.monotonic()
        process = self._spawn("workers", [sys.executable, "-m", module])
        asyncio.run(self._first_poll(process.pid, started))
        seconds = time.monotonic() - started
        self.restarts.append(Restart("workers", seconds))
        return seconds

    async def _first_poll(self, pid: int, started: float) -> None:
        # The server names each poller by its identity, "<pid>@<host>" by default: this process's poll.
        client = await Client.connect(self.settings.temporal_address, namespace=self.settings.temporal_namespace)
        identity = f"{pid}@{socket.gethostname()}"
        request = DescribeTaskQueueRequest(
            namespace=self.settings.temporal_namespace,
            task_queue=TaskQueue(name=task_queues.ORDERS),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
        while time.monotonic() - started < STARTUP_SECONDS:
            described = await client.workflow_service.describe_task_queue(request)
            if any(poller.identity == identity for poller in described.pollers):
                return
            if self.processes["workers"].poll() is not None:
                raise RuntimeError(f"the workers exited; see {self.data_dir / 'workers.log'}")
            await asyncio.sleep(0.1)
        raise TimeoutError(f"the workers did not poll within {STARTUP_SECONDS} s")

    def start_other_workers(self) -> None:
        """Messaging, vision and webhooks in a process of their own, beside `start_workers("workers.orders")`."""
        code = (
            "from workers.common import main; from workers.messaging import build_messaging_worker as m; "
            "from workers.vision import build_vision_worker as v; from workers.webhooks import build_webhooks_worker as w; "
            "main([m, v, w])"
        )
        self._spawn("other-workers", [sys.executable, "-c", code])

    def start_api(self) -> float:
        started = time.monotonic()
        command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(self.api_port)]
        process = self._spawn("api", command)
        while time.monotonic() - started < STARTUP_SECONDS:
            try:
                if httpx.get(f"{self.api_url}/readyz", timeout=2).status_code == 200:
                    seconds = time.monotonic() - started
                    self.restarts.append(Restart("api", seconds))
                    return seconds
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"the API exited; see {self.data_dir / 'api.log'}")
            time.sleep(0.1)
        raise TimeoutError(f"the API was not ready within {STARTUP_SECONDS} s")

    # ----- crashing ---------------------------------------------------------------------------------

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, no goodbye to the server, running activities and updates cut off."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self.kills[name] = self.kills.get(name, 0) + 1

    def restart_temporal(self) -> float:
        """Stops the dev server and starts it on the same database file; returns the seconds it was away."""
        stopped = time.monotonic()
        process = self.processes.pop("temporal")
        self.dev.processes.pop("temporal", None)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        self.start_temporal()
        seconds = time.monotonic() - stopped
        self.restarts.append(Restart("temporal", seconds))
        return seconds

    def stop(self) -> None:
        stop_in_order(self.processes, ("api", "workers", "other-workers", "temporal"))

    def cpu_seconds(self, name: str) -> float:
        """CPU time (user + system) the process has used so far, from /proc."""
        fields = Path(f"/proc/{self.processes[name].pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self, name: str) -> float:
        """Resident memory of the process (and its children), from /proc."""
        process = self.processes[name]
        pids = [process.pid, *_children(process.pid)]
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except FileNotFoundError:
                continue
        return total / 1024


def _children(pid: int) -> list[int]:
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    found = [int(child) for child in listed]
    for child in list(found):
        found += _children(child)
    return found
