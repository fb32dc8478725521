"""Worker for the `messaging` task queue: customer e-mail (SendGrid, or the local outbox in dev)."""

from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from activities.messaging import MessagingActivities
from orderflow.contract import task_queues
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from workers.common import main

# send_message is a plain def on this pool: each slot is one SendGrid call or outbox write.
THREADS = 8


def build_messaging_worker(client: Client, settings: Settings) -> Worker:
    engine = make_engine(settings.sqlalchemy_url)
    # This worker may start before the orders worker: the outbox table must exist either way.
    migrate(engine)
    return Worker(
        client,
        # `messaging`, or `messaging-<suffix>` beside an `orders-<suffix>` deployment.
        task_queue=task_queues.sibling(settings.task_queue, task_queues.MESSAGING),
        activities=[MessagingActivities.from_settings(settings, engine).send_message],
        activity_executor=ThreadPoolExecutor(max_workers=THREADS),
        # No more attempts in flight than threads, so none waits for a thread past its timeout.
        max_concurrent_activities=THREADS,
    )


if __name__ == "__main__":
    main([build_messaging_worker])
