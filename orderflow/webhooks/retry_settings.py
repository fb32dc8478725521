"""The delivery retry policy from the settings: handed to each delivery queue when it starts."""

from datetime import timedelta

from orderflow.settings import Settings
from orderflow.webhooks.contract import WebhookRetry


def retry_from(settings: Settings) -> WebhookRetry:
    return WebhookRetry(
        initial_interval=settings.webhooks_retry_initial,
        backoff_coefficient=settings.webhooks_retry_backoff,
        maximum_interval=settings.webhooks_retry_max_interval,
        give_up_after=settings.webhooks_give_up_after,
        # One HTTP try, plus the store writes around it.
        attempt_timeout=settings.webhooks_timeout + timedelta(seconds=5),
    )
