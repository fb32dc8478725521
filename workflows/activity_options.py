"""Timeouts and retry policies per kind of activity: retries belong to Temporal, not to clients."""

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from orderflow.contract import task_queues


def queue_beside_orders(queue: str) -> str:
    """The `queue` (vision, messaging, webhooks) of the deployment whose orders queue runs this order."""
    return task_queues.sibling(workflow.info().task_queue, queue)


# Store writes: quick, and they must land eventually; a database outage only delays them. A record
# the database refuses for good (activities/store_rejections.py) or an order id used before is not retried:
# the workflow waits for its background writes, and an endless retry would keep the order open.
STORE: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=1),
        maximum_interval=timedelta(minutes=1),
        non_retryable_error_types=["StoreRecordRejected", "OrderIdReused"],
    ),
}

# The photo check should answer in seconds; a customer waits for it on the ident page.
PHOTO_IDENT: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=60),
    "schedule_to_close_timeout": timedelta(minutes=3),
    "heartbeat_timeout": timedelta(seconds=20),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=1),
        maximum_attempts=3,
        non_retryable_error_types=["InvalidPhotoIdentRequest"],
    ),
}

# The liveness check: the customer waits on the page; a few seconds of work, retried briefly if a worker dies.
LIVENESS: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "schedule_to_close_timeout": timedelta(minutes=2),
    "heartbeat_timeout": timedelta(seconds=15),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=1),
        maximum_attempts=3,
        non_retryable_error_types=["InvalidLivenessRequest"],
    ),
}

# E-mail: 429/5xx retried with backoff for up to a day; a rejected message (4xx) is final.
MESSAGING: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "schedule_to_close_timeout": timedelta(days=1),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
        non_retryable_error_types=["MessageRejected"],
    ),
}

# Reading the clock is local and instant; a retry after a worker crash reads it again, which is what it is for.
CLOCK: dict[str, Any] = {"start_to_close_timeout": timedelta(seconds=5)}
