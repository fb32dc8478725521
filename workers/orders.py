"""Worker for the `orders` task queue: the order workflow and its store activities."""

from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from activities.clock import read_clock
from activities.delivery_codes import DeliveryCodeActivities
from activities.policy import PolicyActivities
from activities.store import StoreActivities
from orderflow.blobs import BlobStore
from orderflow.crypto import data_keys
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from workers.common import main
from workflows.order import OrderWorkflow

# Store and code activities are plain defs on this pool: each slot is one database transaction.
THREADS = 8


def build_orders_worker(client: Client, settings: Settings) -> Worker:
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    store = StoreActivities(engine, BlobStore(settings.blob_path))
    codes = DeliveryCodeActivities(engine, data_keys(settings))
    policy = PolicyActivities(settings)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[OrderWorkflow],
        activities=[
            policy.load_order_policy,
            read_clock,
            store.record_order,
            store.record_stage_change,
            store.record_photo_check,
            store.record_video_session,
            store.record_delivery_attempt,
            store.delete_id_images,
            codes.issue_delivery_code,
            codes.check_delivery_code,
        ],
        # SQLModel sessions block: they run on threads, never on the event loop.
        activity_executor=ThreadPoolExecutor(max_workers=THREADS),
        # No more attempts in flight than threads: a queued one would burn its start-to-close timeout waiting.
        max_concurrent_activities=THREADS,
    )


if __name__ == "__main__":
    main([build_orders_worker])
