"""The whole dev stack in one command: Temporal dev server (persisted, with UI), the workers
and the API, each a child process; Ctrl-C stops all of them. Also used by the end-to-end test.

    python -m orderflow.devstack
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

from orderflow import dev_order, search_attributes
from orderflow.dev_banner import banner
from orderflow.settings import Settings, get_settings

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
        self._spawn("retention", [sys.executable, "-m", "orderflow.retention", "--every", "PT1H"])

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


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both end in the orderly stop of `DevStack.wait`, also when this process
    inherited SIGINT ignored (started in the background by a shell, or by a supervisor)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def main() -> None:
    if sys.argv[1:2] == ["place-order"]:
        place_order()
        return
    _stop_on_signals()
    # A developer's own stack: the development secrets and the local outbox are fine here, and
    # only here (settings default to production). The children inherit it (child_env).
    os.environ.setdefault("ORDERFLOW_ENV", "dev")
    settings = get_settings()
    # Readable lines in a terminal; production keeps the JSON default for log shippers.
    stack = DevStack(settings, env={"ORDERFLOW_LOG_FORMAT": os.environ.get("ORDERFLOW_LOG_FORMAT", "text")})
    try:
        stack.start_temporal()
        stack.start_workers()
        stack.start_retention_sweeper()
        stack.start_api()
    except BaseException:
        stack.stop()
        raise
    print(banner(settings, stack.api_port, stack.ui_port), flush=True)
    stack.wait()


def place_order() -> None:
    """`python -m orderflow.devstack place-order`: the example order into the running dev stack."""
    os.environ.setdefault("ORDERFLOW_ENV", "dev")
    settings = get_settings()
    api_url = os.environ.get("ORDERFLOW_API_URL", f"http://localhost:{DevStack(settings).api_port}")
    sys.exit(dev_order.main(settings, api_url))


if __name__ == "__main__":
    main()
