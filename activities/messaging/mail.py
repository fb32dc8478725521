"""One rendered e-mail on its way out, and the promise every way of delivering it keeps."""

from dataclasses import dataclass, field
from typing import Protocol

from orderflow.contract.messages import MessageReceipt


@dataclass(frozen=True)
class OutgoingMail:
    key: str
    order_id: str
    event: str
    to_email: str
    to_name: str
    subject: str
    # The bodies may hold a delivery code: kept out of repr so no log line or traceback shows them.
    text_body: str = field(repr=False)
    html_body: str = field(repr=False)
    # The same message rendered with the code blanked out: what we keep on record.
    redacted_bodies: tuple[str, str] = field(repr=False)


class Delivery(Protocol):
    def deliver(self, mail: OutgoingMail) -> MessageReceipt:
        """Hand the mail over at most once per key; raise what Temporal should retry or not."""
        ...
