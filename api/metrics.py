"""Request metrics of the API for Prometheus: rate, latency and errors per route (GET /metrics).

Labels use the route's template (`/orders/{order_id}`), never the path itself: order ids and
signed link tokens would make a series per request and put credentials into the metrics.
One process per container keeps the counts whole (prometheus_client counts per process).
"""

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "<unmatched>"  # 404s for paths no route knows: one series for all of them

REQUESTS = Counter("orderflow_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "orderflow_http_request_duration_seconds",
    "Time from request to the end of the response",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SERVER_ERRORS = Counter(
    "orderflow_http_server_errors", "Requests answered with 5xx or ended by an exception", ["method", "route"]
)


class RequestMetrics:
    """ASGI middleware (`app.add_middleware(RequestMetrics)`); counts every HTTP request once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaped every handler

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            # The router wrote the matched route into the shared scope on the way in.
            route = getattr(scope.get("route"), "path", UNMATCHED)
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)
            if status >= 500:
                SERVER_ERRORS.labels(method, route).inc()
