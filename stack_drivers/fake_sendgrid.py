"""A local HTTP server that speaks SendGrid's mail send v3 endpoint and remembers what it received."""

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "SG.test-key-not-real"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int = 0  # what the fake answered (0 while it is still answering)


@dataclass
class Answer:
    status: int
    body: dict[str, Any] | None = None
    delay: float = 0.0  # seconds before answering: a slow provider


@dataclass
class FakeSendGrid:
    received: list[Received] = field(default_factory=list)
    # Answers for the next requests, in order; afterwards every request is accepted (202).
    script: deque[Answer] = field(default_factory=deque)
    # Or, when the script is used up, the answer to the n-th request (1-based): a flaky provider.
    policy: Callable[[int], Answer] | None = None

    def answer(self, *answers: Answer) -> None:
        self.script.extend(answers)

    @property
    def mails(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received]

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                raw = self.rfile.read(length)
                if len(raw) < length:
                    return  # the sender died mid-request (a killed worker): nothing arrived, nobody to answer
                body = json.loads(raw)
                received = Received(self.path, dict(self.headers), body)
                fake.received.append(received)
                if self.path != "/v3/mail/send":
                    return self._reply(received, Answer(404, {"errors": [{"message": "not found"}]}))
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    return self._reply(received, Answer(401, {"errors": [{"message": "authorization required"}]}))
                number = len(fake.received)
                if fake.script:
                    answer = fake.script.popleft()
                else:
                    answer = fake.policy(number) if fake.policy else Answer(202)
                self._reply(received, answer, number)

            def _reply(self, received: Received, answer: Answer, message_no: int = 0) -> None:
                time.sleep(answer.delay)
                received.status = answer.status
                payload = json.dumps(answer.body).encode() if answer.body is not None else b""
                try:
                    self.send_response(answer.status)
                    if answer.status == 202:
                        self.send_header("X-Message-Id", f"fake-{message_no}")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender died waiting (a killed worker): it never learns the answer

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"
