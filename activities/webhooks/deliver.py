"""`deliver_webhook`: one signed HTTP try of one delivery. Temporal retries it (the delivery
workflow's policy); this client never retries, follows no redirect and waits 15 s at most."""

import logging
import time

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from orderflow.settings import Settings
from orderflow.webhooks.addresses import AddressRefused, HostUnresolvable, resolve
from orderflow.webhooks.contract import (
    ADDRESS_REFUSED,
    DELIVER_WEBHOOK,
    DELIVERY_NOT_FOUND,
    ENDPOINT_GONE,
    GIVE_UP_WEBHOOK_DELIVERY,
    DeliverWebhook,
    DeliveryOutcome,
    GiveUpDelivery,
)
from orderflow.webhooks.ledger import DELIVERED, FAILED, SKIPPED, Ledger, Try
from orderflow.webhooks.registry import Registry
from orderflow.webhooks.signing import webhook_headers

log = logging.getLogger("orderflow.webhooks")


class DeliverActivities:
    def __init__(self, registry: Registry, ledger: Ledger, settings: Settings) -> None:
        self._registry = registry
        self._ledger = ledger
        self._allow_private = settings.webhooks_allow_private
        self._timeout = settings.webhooks_timeout.total_seconds()

    @activity.defn(name=DELIVER_WEBHOOK)
    def deliver_webhook(self, request: DeliverWebhook) -> DeliveryOutcome:
        delivery = self._ledger.get(request.delivery_id)
        if delivery is None:
            raise ApplicationError(
                "no such delivery (its endpoint was deleted)", type=DELIVERY_NOT_FOUND, non_retryable=True
            )
        if delivery.state == DELIVERED and not request.manual:
            return DeliveryOutcome(state=DELIVERED)  # an earlier try got through, its result was lost
        endpoint = self._registry.get(delivery.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            self._ledger.finish(delivery.id, SKIPPED, only_if_pending=True)
            return DeliveryOutcome(state=SKIPPED)
        try:
            target = resolve(endpoint.url, self._allow_private)
        except HostUnresolvable as unresolvable:
            self._ledger.record_try(delivery.id, Try(None, None, str(unresolvable), request.manual))
            raise ApplicationError(str(unresolvable), type="EndpointUnreachable") from None
        except AddressRefused as refused:
            self._ledger.record_try(delivery.id, Try(None, None, f"address refused: {refused}", request.manual))
            self._ledger.finish(delivery.id, FAILED)
            raise ApplicationError(str(refused), type=ADDRESS_REFUSED, non_retryable=True) from None

        body = delivery.payload.encode()
        headers = webhook_headers(self._registry.signing_keys(endpoint), delivery.id, int(time.time()), body)
        headers["host"] = target.host_header()
        headers["user-agent"] = "orderflow-webhooks/1"
        started = time.perf_counter()
        try:
            # To the checked address; the hostname goes in Host and in TLS SNI (certificate check).
            with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
                response = client.post(
                    target.pinned_url(), content=body, headers=headers, extensions={"sni_hostname": target.host}
                )
        except httpx.HTTPError as error:
            latency = round((time.perf_counter() - started) * 1000)
            self._ledger.record_try(delivery.id, Try(None, latency, type(error).__name__, request.manual))
            raise ApplicationError(
                f"endpoint unreachable: {type(error).__name__}", type="EndpointUnreachable"
            ) from None
        latency = round((time.perf_counter() - started) * 1000)
        status = response.status_code
        self._ledger.record_try(
            delivery.id, Try(status, latency, "" if status < 300 else f"HTTP {status}", request.manual)
        )
        if 200 <= status < 300:
            self._ledger.finish(delivery.id, DELIVERED)
            return DeliveryOutcome(state=DELIVERED, status_code=status)
        if status == 410:
            # The receiver says it is gone for good: stop sending it anything.
            self._registry.set_enabled(endpoint.id, False, reason="the endpoint answered 410 Gone")
            self._ledger.finish(delivery.id, FAILED)
            log.warning("endpoint %s answered 410 and is disabled", endpoint.id)
            raise ApplicationError(
                "the endpoint answered 410 Gone and is disabled", type=ENDPOINT_GONE, non_retryable=True
            )
        raise ApplicationError(f"the endpoint answered {status}", type="EndpointFailed")

    @activity.defn(name=GIVE_UP_WEBHOOK_DELIVERY)
    def give_up_webhook_delivery(self, request: GiveUpDelivery) -> None:
        """Retries ran out (or cannot help): the delivery stays failed until an operator redelivers it."""
        log.warning("delivery %s given up: %s", request.delivery_id, request.reason)
        self._ledger.finish(request.delivery_id, FAILED, only_if_pending=True)
