"""No SendGrid key (dev default): every message is captured in the local outbox instead."""

from sqlalchemy import Engine

from activities.messaging import ledger
from activities.messaging.mail import OutgoingMail
from orderflow.contract.messages import MessageReceipt
from orderflow.store.outbox import MessageStatus


class OutboxDelivery:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def deliver(self, mail: OutgoingMail) -> MessageReceipt:
        # Claiming and capturing are one INSERT, so exactly once holds without a `sending` step.
        # The outbox is the dev stand-in for the customer's inbox: it keeps the message as the
        # customer would read it, delivery code included, like a real inbox would.
        held_by = ledger.claim(self._engine, mail, MessageStatus.CAPTURED, keep_code=True)
        if held_by is not None:
            return ledger.receipt_for(held_by)
        return MessageReceipt(key=mail.key, status="captured")
