"""The `send_message` activity (task queue `messaging`): the right e-mail, exactly once per key."""

from functools import partial

from sendgrid.helpers.mail import From
from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.messaging import ledger
from activities.messaging.compose import CODE_UNAVAILABLE, Composer
from activities.messaging.mail import Delivery
from activities.messaging.outbox_delivery import OutboxDelivery
from activities.messaging.sendgrid_delivery import SendGridDelivery, sendgrid_client
from orderflow.contract.messages import MessageReceipt, MessageRequest
from orderflow.contract.names import SEND_MESSAGE_ACTIVITY
from orderflow.crypto import data_keys
from orderflow.delivery_codes import live_code
from orderflow.settings import Settings
from orderflow.store.outbox import RECLAIMABLE


class MessagingActivities:
    def __init__(self, engine: Engine, composer: Composer, delivery: Delivery) -> None:
        self._engine = engine
        self._composer = composer
        self._delivery = delivery

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine) -> "MessagingActivities":
        """SendGrid when `SENDGRID_API_KEY` is set, else (or in a declared dry run) the local outbox."""
        composer = Composer(settings, partial(live_code, engine, data_keys(settings)))
        delivery: Delivery
        if settings.sendgrid_api_key and not settings.mail_dry_run:
            sender = From(settings.mail_from, settings.mail_from_name)
            delivery = SendGridDelivery(engine, sendgrid_client(settings), sender)
        else:
            delivery = OutboxDelivery(engine)
        return cls(engine, composer, delivery)

    @activity.defn(name=SEND_MESSAGE_ACTIVITY)
    def send_message(self, request: MessageRequest) -> MessageReceipt:
        # Answer a key someone already holds before composing: a code mail retried after its
        # code expired must report the first send, not fail for want of the code.
        held_by = ledger.find(self._engine, request.key)
        if held_by is not None and held_by.status not in RECLAIMABLE:
            receipt = ledger.receipt_for(held_by)
        else:
            try:
                receipt = self._delivery.deliver(self._composer.compose(request))
            except ApplicationError as refused:
                if refused.type != CODE_UNAVAILABLE:
                    raise
                # Its attempt's day ended before the provider took it (deferred until then, or a worker down):
                # the ledger says so, so nobody looks for it as missing, and the order closes without a failure.
                ledger.outdate(self._engine, request)
                receipt = MessageReceipt(key=request.key, status="outdated")
        # The receipt and this line are all that history and logs learn: never a body or code.
        log = activity.logger.warning if receipt.status == "unconfirmed" else activity.logger.info
        log("message %s (%s): %s", request.key, request.event.value, receipt.status)
        return receipt
