"""Worker for the `webhooks` task queue: signed order events to the storefront's endpoints.

Hosts the per-endpoint delivery queues (`WebhookDeliveryWorkflow`) and their activities, apart
from the orders worker: a slow or dead endpoint takes no slot an order needs.
"""

from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from activities.webhooks.deliver import DeliverActivities
from activities.webhooks.publish import PublishActivities
from orderflow.contract import task_queues
from orderflow.crypto import data_keys
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from orderflow.webhooks.ledger import Ledger
from orderflow.webhooks.registry import Registry
from workers.common import main
from workflows.webhook_delivery import WebhookDeliveryWorkflow

# deliver_webhook is a plain def on this pool: each slot is one HTTP try (15 s at most).
THREADS = 16


def build_webhooks_worker(client: Client, settings: Settings) -> Worker:
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    registry = Registry(engine, data_keys(settings))
    ledger = Ledger(engine)
    publish = PublishActivities(client, registry, ledger, settings)
    deliver = DeliverActivities(registry, ledger, settings)
    return Worker(
        client,
        # `webhooks`, or `webhooks-<suffix>` beside an `orders-<suffix>` deployment.
        task_queue=task_queues.sibling(settings.task_queue, task_queues.WEBHOOKS),
        workflows=[WebhookDeliveryWorkflow],
        activities=[publish.publish_order_event, deliver.deliver_webhook, deliver.give_up_webhook_delivery],
        activity_executor=ThreadPoolExecutor(max_workers=THREADS),
        max_concurrent_activities=THREADS,
    )


if __name__ == "__main__":
    main([build_webhooks_worker])
