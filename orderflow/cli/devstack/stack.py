"""The dev stack's processes: Temporal dev server (persisted, with UI), the workers, the retention
sweeper and the API, each a child process, stopped in order. Used by `python -m orderflow.cli.devstack`,
the end-to-end tests and, through stack_drivers/processes.py, the chaos suite and the load benchmark.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.client import Client

from orderflow.contract import search_attributes
from orderflow.settings import Settings

BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60  # a cold dev server with a fresh database file takes a few seconds
# The dev server keeps everything in one SQLite file over one connection; with SQLite's defaults
# (rollback journal, synchronous=FULL) every commit waits for several fsyncs, and the server carried
# a half to a third of what it carries in WAL mode (docs/operators.md, "Worker tuning"). WAL with
# synchronous=NORMAL keeps every commit through a crash or kill of the server process (the commit
# is in the WAL before it returns); a power cut or kernel crash may lose the last commits but never
# corrupts the file: right for a developer's stack.
SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")


@dataclass
class DevStack:
    settings: Settings
    api_port: int = 8000
    ui_port: int = 8233
    env: dict[str, str] = field(default_factory=dict)
    sqlite_pragmas: tuple[str, ...] = SQLITE_PRAGMAS
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def temporal_port(self) -> int:
        return int(self.settings.temporal_address.rsplit(":", 1)[1])

    def start_temporal(self) -> None:
        data_dir = self.settings.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(BIN / "temporal"),
            "server",
            "start-dev",
            "--db-filename",
            str(data_dir / "temporal.db"),
            "--port",
            str(self.temporal_port),
            "--ui-port",
            str(self.ui_port),
            # The UI decrypts payloads through the API's codec endpoint (operators sign in at /codec/session).
            "--ui-codec-endpoint",
            f"http://localhost:{self.api_port}/codec",
            "--namespace",
            self.settings.temporal_namespace,
            "--log-level",
            "warn",
            *search_attributes.dev_server_flags(),
            *(flag for pragma in self.sqlite_pragmas for flag in ("--sqlite-pragma", pragma)),
        ]
        self._spawn("temporal", command, log=data_dir / "temporal.log")
        asyncio.run(self._wait_for_temporal())

    async def _wait_for_temporal(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                client = await Client.connect(
                    self.settings.temporal_address, namespace=self.settings.temporal_namespace
                )
                await search_attributes.register(client, self.settings.temporal_namespace)
                return
            except Exception as not_yet:
                if time.monotonic() > deadline or self.processes["temporal"].poll() is not None:
                    raise RuntimeError(
                        f"Temporal dev server did not come up; see {self.settings.data_dir}/temporal.log"
                    ) from not_yet
                await asyncio.sleep(0.3)

    def start_workers(self) -> None:
        self._spawn("workers", [sys.executable, "-m", "workers"])

    def start_retention_sweeper(self) -> None:
        # ID images older than ORDERFLOW_IMAGE_RETENTION go even when their order never decided.
        self._spawn("retention", [sys.executable, "-m", "orderflow.cli.retention", "--every", "PT1H"])

    def start_api(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(self.api_port)]
        self._spawn("api", command)

    def child_env(self) -> dict[str, str]:
        """The children talk to this dev server, whatever Temporal profile the developer's shell
        or ~/.config/temporalio/temporal.toml names (an API key there would switch TLS on)."""
        inherited = {name: value for name, value in os.environ.items() if not name.startswith("TEMPORAL_")}
        return {
            **inherited,
            "ORDERFLOW_ENV": os.environ.get("ORDERFLOW_ENV", "dev"),
            "ORDERFLOW_TEMPORAL_ADDRESS": self.settings.temporal_address,
            "ORDERFLOW_TEMPORAL_NAMESPACE": self.settings.temporal_namespace,
            "TEMPORAL_CONFIG_FILE": os.devnull,  # no profiles
            **self.env,
        }

    def _spawn(self, name: str, command: list[str], log: Path | None = None) -> None:
        output = log.open("ab") if log else None
        self.processes[name] = subprocess.Popen(
            command,
            env=self.child_env(),
            stdout=output,
            stderr=subprocess.STDOUT if log else None,
            # Out of the terminal's process group: Ctrl-C reaches only us, and we stop the
            # children in order (see stop).
            start_new_session=True,
        )

    def stop(self) -> None:
        # Workers and API first, so they finish in-flight work against a server that is still up.
        stop_in_order(self.processes, ("api", "retention", "workers", "temporal"))

    def wait(self) -> None:
        """Blocks until Ctrl-C or until a process dies, then stops everything."""
        try:
            while all(p.poll() is None for p in self.processes.values()):
                time.sleep(0.5)
            dead = [name for name, p in self.processes.items() if p.poll() is not None]
            print(f"\norderflow: {', '.join(dead)} stopped unexpectedly; stopping the rest", file=sys.stderr)
        except KeyboardInterrupt:
            print("\norderflow: stopping ...", file=sys.stderr)
        finally:
            self.stop()


def stop_in_order(processes: dict[str, subprocess.Popen[bytes]], names: tuple[str, ...]) -> None:
    """SIGINT to each named process in turn (a graceful stop), SIGKILL to one that takes longer than 20 s."""
    for name in names:
        process = processes.pop(name, None)
        if process is None or process.poll() is not None:
            continue
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
