"""WebhookDeliveryWorkflow: one endpoint's queue of one order's events (task queue `webhooks`).

The publish activity signals each event here, in the order they happened; they are sent one after
the other, each retried by Temporal (about three days, backing off to an hour between tries), so
the next waits for the one before. One slow or dead endpoint delays only its own queue, never the
order and never another endpoint.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from orderflow.webhooks.contract import (
        DELIVER_WEBHOOK,
        DELIVERY_WORKFLOW,
        ENQUEUE_SIGNAL,
        GIVE_UP_WEBHOOK_DELIVERY,
        NON_RETRYABLE,
        DeliverWebhook,
        DeliveryFeed,
        DeliveryOutcome,
        GiveUpDelivery,
        QueuedDelivery,
    )


@workflow.defn(name=DELIVERY_WORKFLOW)
class WebhookDeliveryWorkflow:
    @workflow.init
    def __init__(self, feed: DeliveryFeed) -> None:
        # A manual redelivery (sequence 0) goes out as given; the order's events by their sequence.
        self._queue: list[QueuedDelivery] = [QueuedDelivery(delivery_id=d) for d in feed.deliveries]
        self._seen: set[str] = set(feed.deliveries)
        self._last_queued = bool(feed.deliveries)  # a redelivery sends what it was given, then closes
        self._next_sequence = 1
        self._delivered = 0

    @workflow.signal(name=ENQUEUE_SIGNAL)
    def enqueue(self, item: QueuedDelivery) -> None:
        # A retried publish signals again: each delivery goes out once.
        if item.delivery_id not in self._seen:
            self._seen.add(item.delivery_id)
            self._queue.append(item)
        self._last_queued = self._last_queued or item.last

    @workflow.run
    async def run(self, feed: DeliveryFeed) -> int:
        while True:
            if not self._queue:
                if self._last_queued:
                    break
                try:
                    await workflow.wait_condition(
                        lambda: bool(self._queue), timeout=feed.gap_patience + feed.idle_timeout
                    )
                except TimeoutError:
                    break  # a later event starts a new queue
            item = await self._next_in_order(feed)
            await self._deliver(item.delivery_id, feed)
            if item.sequence:
                self._next_sequence = item.sequence + 1
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._delivered

    async def _next_in_order(self, feed: DeliveryFeed) -> QueuedDelivery:
        """The queued event with the lowest sequence, after waiting a little for an earlier one still on its way."""
        if min(item.sequence for item in self._queue) > self._next_sequence:
            try:
                await workflow.wait_condition(
                    lambda: any(item.sequence <= self._next_sequence for item in self._queue),
                    timeout=feed.gap_patience,
                )
            except TimeoutError:
                pass  # lost for good, or the endpoint subscribed mid-order: go on with what is here
        item = min(self._queue, key=lambda queued: queued.sequence)  # the first of equals: arrival order
        self._queue.remove(item)
        return item

    async def _deliver(self, delivery_id: str, feed: DeliveryFeed) -> None:
        retry = feed.retry
        try:
            outcome = await workflow.execute_activity(
                DELIVER_WEBHOOK,
                DeliverWebhook(delivery_id=delivery_id, manual=feed.manual),
                result_type=DeliveryOutcome,
                start_to_close_timeout=retry.attempt_timeout,
                schedule_to_close_timeout=retry.give_up_after,
                retry_policy=RetryPolicy(
                    initial_interval=retry.initial_interval,
                    backoff_coefficient=retry.backoff_coefficient,
                    maximum_interval=retry.maximum_interval,
                    non_retryable_error_types=NON_RETRYABLE,
                ),
            )
        except ActivityError as failed:
            cause = failed.cause
            reason = cause.type if isinstance(cause, ApplicationError) and cause.type else "retries_exhausted"
            await workflow.execute_activity(
                GIVE_UP_WEBHOOK_DELIVERY,
                GiveUpDelivery(delivery_id=delivery_id, reason=reason),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
            )
            return
        if outcome.state == "delivered":
            self._delivered += 1
