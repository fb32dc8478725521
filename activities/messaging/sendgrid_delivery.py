"""Delivery through SendGrid (mail send v3) with the `sendgrid` library's own client.

The client never retries: Temporal does, with the workflow's backoff. 429 and 5xx raise a
retryable error, every other 4xx a non-retryable `MessageRejected`; both are recorded on the row.
"""

import http.client
import json
import logging
import urllib.error

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import ClickTracking, CustomArg, From, Mail, To, TrackingSettings
from sqlalchemy import Engine
from temporalio.exceptions import ApplicationError

from activities.messaging import ledger
from activities.messaging.mail import OutgoingMail
from orderflow.contract.messages import MessageReceipt
from orderflow.settings import Settings
from orderflow.store.outbox import MessageStatus

# At DEBUG the HTTP client logs every request body (delivery codes) and its headers (the API key).
logging.getLogger("python_http_client.client").setLevel(logging.INFO)


def sendgrid_client(settings: Settings) -> SendGridAPIClient:
    client = SendGridAPIClient(api_key=settings.sendgrid_api_key, host=settings.sendgrid_host)
    # Without a timeout a hung connection would hold the activity until Temporal gives up on it.
    client.client.timeout = settings.sendgrid_timeout.total_seconds()
    return client


class SendGridDelivery:
    def __init__(self, engine: Engine, client: SendGridAPIClient, sender: From) -> None:
        self._engine = engine
        self._client = client
        self._sender = sender

    def deliver(self, mail: OutgoingMail) -> MessageReceipt:
        message = self._message(mail)
        held_by = ledger.claim(self._engine, mail, MessageStatus.SENDING, keep_code=False)
        if held_by is not None:
            return ledger.receipt_for(held_by)
        # From here until `settle`, a crash leaves the row `sending`: no later attempt sends again.
        try:
            response = self._client.send(message)
        except HTTPError as err:
            raise self._refused(mail.key, err.status_code, err.body) from None
        except urllib.error.URLError as err:
            # urllib wraps failures while connecting and writing the request: SendGrid never
            # received a whole request, so nothing went out and a retry may send.
            ledger.settle(self._engine, mail.key, MessageStatus.DEFERRED, error=f"unreachable: {err.reason}")
            raise ApplicationError("SendGrid unreachable", type="MessageDeferred") from err
        except (OSError, http.client.HTTPException) as err:
            # The request went out but no answer came back: it may have been accepted. The row
            # stays `sending`, so Temporal's retry reports "unconfirmed" instead of sending twice.
            raise ApplicationError(
                f"no answer from SendGrid ({type(err).__name__}): outcome unknown", type="MessageOutcomeUnknown"
            ) from err
        provider_message_id = response.headers.get("X-Message-Id")
        ledger.settle(self._engine, mail.key, MessageStatus.SENT, provider_message_id=provider_message_id)
        return MessageReceipt(key=mail.key, status="sent", provider_message_id=provider_message_id)

    def _message(self, mail: OutgoingMail) -> Mail:
        message = Mail(
            from_email=self._sender,
            to_emails=To(mail.to_email, mail.to_name),
            subject=mail.subject,
            plain_text_content=mail.text_body,
            html_content=mail.html_body,
        )
        # Webhook events come back with these, so bounces can be matched to the order and message.
        message.custom_arg = [CustomArg("order_id", mail.order_id), CustomArg("message_key", mail.key)]
        # Click tracking would rewrite our signed links into redirects via a tracking domain: it
        # looks like phishing to careful customers and hands the link tokens to a third party.
        message.tracking_settings = TrackingSettings(click_tracking=ClickTracking(False, False))
        return message

    def _refused(self, key: str, status: int, body: bytes | str | None) -> ApplicationError:
        detail = f"{status} {_provider_errors(body)}".strip()
        if status == 429 or status >= 500:
            ledger.settle(self._engine, key, MessageStatus.DEFERRED, error=detail)
            return ApplicationError(f"SendGrid deferred the message: {detail}", type="MessageDeferred")
        ledger.settle(self._engine, key, MessageStatus.REJECTED, error=detail)
        return ApplicationError(f"SendGrid rejected the message: {detail}", type="MessageRejected", non_retryable=True)


def _provider_errors(body: bytes | str | None) -> str:
    """SendGrid's own error messages (they name fields, never echo the content), briefly."""
    try:
        errors = json.loads(body or b"{}").get("errors", [])
        messages = [str(e.get("message", ""))[:200] for e in errors if isinstance(e, dict)]
    except (ValueError, AttributeError):
        return ""
    return "; ".join(filter(None, messages))[:500]
