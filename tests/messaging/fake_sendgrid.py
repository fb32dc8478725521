"""A local HTTP server that speaks SendGrid's mail send v3 endpoint and remembers what it received."""

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "SG.test-key-not-real"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Answer:
    status: int
    body: dict[str, Any] | None = None


@dataclass
class FakeSendGrid:
    received: list[Received] = field(default_factory=list)
    # Answers for the next requests, in order; afterwards every request is accepted (202).
    script: deque[Answer] = field(default_factory=deque)

    def answer(self, *answers: Answer) -> None:
        self.script.extend(answers)

    @property
    def mails(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received]

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.received.append(Received(self.path, dict(self.headers), body))
                if self.path != "/v3/mail/send":
                    return self._reply(Answer(404, {"errors": [{"message": "not found"}]}))
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    return self._reply(Answer(401, {"errors": [{"message": "authorization required"}]}))
                self._reply(fake.script.popleft() if fake.script else Answer(202), len(fake.received))

            def _reply(self, answer: Answer, message_no: int = 0) -> None:
                payload = json.dumps(answer.body).encode() if answer.body is not None else b""
                self.send_response(answer.status)
                if answer.status == 202:
                    self.send_header("X-Message-Id", f"fake-{message_no}")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

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
