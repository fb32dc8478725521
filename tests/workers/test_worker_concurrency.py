"""Each worker takes no more activity attempts at once than its pool has threads: an attempt that waits
for a thread burns its start-to-close timeout doing nothing."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from temporalio.testing import WorkflowEnvironment

from orderflow.settings import Settings
from workers.common import WorkerFactory
from workers.messaging import build_messaging_worker
from workers.orders import build_orders_worker
from workers.vision import build_vision_worker
from workers.webhooks import build_webhooks_worker

FACTORIES: dict[str, WorkerFactory] = {
    "orders": build_orders_worker,
    "messaging": build_messaging_worker,
    "vision": build_vision_worker,
    "webhooks": build_webhooks_worker,
}


@pytest.mark.parametrize("name", FACTORIES)
async def test_concurrency_matches_the_thread_pool(
    name: str, time_skipping_env: WorkflowEnvironment, settings: Settings
) -> None:
    worker = FACTORIES[name](time_skipping_env.client, settings)
    config = worker.config()

    pool = config.get("activity_executor")
    assert isinstance(pool, ThreadPoolExecutor)
    assert config.get("max_concurrent_activities") == pool._max_workers, name


async def test_vision_pool_and_concurrency_follow_the_setting(
    time_skipping_env: WorkflowEnvironment, settings: Settings
) -> None:
    config = build_vision_worker(
        time_skipping_env.client, settings.model_copy(update={"vision_concurrency": 3})
    ).config()

    pool = config.get("activity_executor")
    assert isinstance(pool, ThreadPoolExecutor)
    assert (pool._max_workers, config.get("max_concurrent_activities")) == (3, 3)
