"""The load benchmark's baseline: the smallest useful workflow (one activity) on the same server.

    python -m bench.baseline --address 127.0.0.1:7233 --task-queue baseline   (its worker; bench/load.py starts it)

Its events per second are what this server and machine can do at all; bench/load.py prints ours beside it.
"""

import argparse
import asyncio
import signal
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker


@activity.defn
async def touch(order_id: str) -> str:
    return order_id


@workflow.defn
class OneActivity:
    @workflow.run
    async def run(self, order_id: str) -> str:
        return await workflow.execute_activity(touch, order_id, start_to_close_timeout=timedelta(seconds=30))


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    # The SDK's defaults, as the orders worker has them (its own limit is on activities only).
    worker = Worker(client, task_queue=task_queue, workflows=[OneActivity], activities=[touch])
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with worker:
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", default="baseline")
    arguments = parser.parse_args()
    asyncio.run(serve(arguments.address, arguments.task_queue))
