"""From a message request to a finished e-mail: facts, today's delivery code, templates."""

from collections.abc import Callable

from temporalio.exceptions import ApplicationError

from activities.messaging.facts import message_facts
from activities.messaging.mail import OutgoingMail
from activities.messaging.rendering import render
from orderflow.contract.message_context import DeliveryCode, read_context
from orderflow.contract.messages import Event, MessageRequest
from orderflow.settings import Settings

# The error type of a code e-mail whose code is no longer live.
CODE_UNAVAILABLE = "DeliveryCodeUnavailable"

# (order_id, attempt) → the plaintext code while it is valid, else None.
CodeLookup = Callable[[str, int], str | None]

# Stands in for the code in the copy we keep on record.
REDACTED_CODE = "••••••"


class Composer:
    def __init__(self, settings: Settings, live_code: CodeLookup) -> None:
        self._settings = settings
        self._live_code = live_code

    def compose(self, request: MessageRequest) -> OutgoingMail:
        code = self._delivery_code(request) if request.event == Event.DELIVERY_CODE else None
        facts = message_facts(request, self._settings, code)
        rendered = render(facts)
        record = render({**facts, "delivery_code": REDACTED_CODE}) if code else rendered
        return OutgoingMail(
            key=request.key,
            order_id=request.order_id,
            event=request.event.value,
            to_email=request.customer.email,
            to_name=facts["full_name"],
            subject=rendered.subject,
            text_body=rendered.text,
            html_body=rendered.html,
            redacted_bodies=(record.text, record.html),
        )

    def _delivery_code(self, request: MessageRequest) -> str:
        context = read_context(request.event, request.context)
        attempt = context.attempt if isinstance(context, DeliveryCode) else None
        code = self._live_code(request.order_id, attempt) if attempt is not None else None
        if code is None:
            # A code mail without a live code would send the customer to the door with nothing;
            # retrying cannot revive an expired code. The tracking page shows the current one.
            raise ApplicationError(
                f"no live delivery code for attempt {attempt}",
                type=CODE_UNAVAILABLE,
                non_retryable=True,
            )
        return code
