"""A storefront's webhook receiver: verifies every event with the reference Standard Webhooks library.

    pip install standardwebhooks
    python examples/webhook_receiver.py --port 9000 --secret whsec_...   # the secret from POST /ops/webhooks
    WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py --port 9000   # or from the environment

It answers 2xx only to a verified event (401 otherwise), remembers `webhook-id`s so a retried
event is handled once, and drops an event older (by `data.sequence`) than one it already
handled for the same order. The tests use the same class (`Receiver`).
"""

import argparse
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

MAX_BODY = 64_000


@dataclass
class Delivery:
    """One HTTP request as it arrived (header names in lower case), and what the receiver answered."""

    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    secret: str
    # Scripted answers for tests: each request that verifies takes the next one (e.g. 500, 500, 410)
    # before the receiver answers 200 for good.
    answers: list[int] = field(default_factory=list)
    on_event: Callable[[dict[str, Any]], None] = lambda event: print(json.dumps(event, indent=2), flush=True)
    requests: list[Delivery] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # handled, once per webhook-id
    _seen: set[str] = field(default_factory=set)
    _newest: dict[str, int] = field(default_factory=dict)  # order id -> highest sequence handled
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        headers = {name.lower(): value for name, value in headers.items()}
        with self._lock:
            status = self._answer(headers, body)
            self.requests.append(Delivery(headers=headers, body=body, status=status))
            return status

    def _answer(self, headers: dict[str, str], body: bytes) -> int:
        try:
            event = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            return 401
        if self.answers:
            return self.answers.pop(0)
        message_id = headers["webhook-id"]
        if message_id in self._seen:
            return 200  # a retry of something handled: acknowledge, do nothing
        self._seen.add(message_id)
        data = event["data"]
        if data["sequence"] < self._newest.get(data["order_id"], 0):
            return 200  # older than what the shop page shows already
        self._newest[data["order_id"]] = data["sequence"]
        self.events.append(event)
        self.on_event(event)
        return 204

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("content-length") or 0)
                if length > MAX_BODY:
                    self.send_response(413)
                    self.end_headers()
                    return
                status = receiver.handle(dict(self.headers.items()), self.rfile.read(length))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument(
        "--secret", default=os.environ.get("WEBHOOK_SECRET"), help="whsec_... as POST /ops/webhooks answered"
    )
    args = parser.parse_args()
    if not args.secret:
        parser.error("the endpoint's secret is needed: --secret or WEBHOOK_SECRET")
    server = Receiver(secret=args.secret).serve(args.host, args.port)
    print(f"listening on http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


if __name__ == "__main__":
    main()
