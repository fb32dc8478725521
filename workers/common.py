"""What every worker process does: connect, build its worker(s), run until SIGINT/SIGTERM."""

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence

from temporalio.client import Client
from temporalio.worker import Worker

from orderflow.logs import configure_logging
from orderflow.metrics import with_activity_metrics, worker_runtime
from orderflow.settings import Settings, get_settings
from orderflow.startup import announce_mail_mode, load_settings
from orderflow.temporal_wait import connect_when_reachable

WorkerFactory = Callable[[Client, Settings], Worker]


async def run_workers(factories: Sequence[WorkerFactory], settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    # The metrics endpoint belongs to the runtime, which must exist before the client connects.
    # The server may not be up yet (a reboot, a deploy): wait for it rather than exit.
    client = await connect_when_reachable(settings, runtime=worker_runtime(settings.metrics_bind_address))
    client = with_activity_metrics(client)
    workers = [factory(client, settings) for factory in factories]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running = [asyncio.create_task(worker.run()) for worker in workers]
    logging.getLogger("orderflow.workers").info(
        "workers running on %s, namespace %s: %s",
        client.service_client.config.target_host,
        client.namespace,
        ", ".join(w.task_queue for w in workers),
    )
    await stop.wait()
    # Graceful: finish running activity attempts (up to the worker's shutdown timeout) before exiting.
    await asyncio.gather(*(worker.shutdown() for worker in workers))
    await asyncio.gather(*running, return_exceptions=True)


def main(factories: Sequence[WorkerFactory]) -> None:
    # Refuses (exit 1, naming the variables to set) before anything connects or loads.
    settings = load_settings()
    configure_logging(settings)
    announce_mail_mode(settings)
    asyncio.run(run_workers(factories, settings))
