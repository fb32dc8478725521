"""HTTP clients that behave like real ones while the stack crashes under them: on a connection error or
a 5xx they back off and try again, and before repeating a step that is not idempotent they look at
the order again (a step whose answer was lost may have taken effect)."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

RETRYABLE_STATUS = {500, 502, 503, 504}
MAX_PAUSE = 4.0


class GaveUp(Exception):
    pass


@dataclass
class Calls:
    """What the clients saw, for the run's figures and checks."""

    retries: int = 0
    answers: dict[int, int] = field(default_factory=dict)  # status -> count

    def saw(self, status: int) -> None:
        self.answers[status] = self.answers.get(status, 0) + 1


@dataclass
class RetryingClient:
    http: httpx.AsyncClient
    calls: Calls
    patience: float = 300.0  # seconds a client keeps trying one step before it gives up

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request, repeated on connection errors and 5xx; any other answer is returned."""
        return await self.until_answered(lambda: self.http.request(method, url, **kwargs))

    async def until_answered(self, send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.patience
        pause = 0.2
        while True:
            try:
                response = await send()
                self.calls.saw(response.status_code)
                if response.status_code not in RETRYABLE_STATUS:
                    return response
            except httpx.TransportError:
                self.calls.saw(0)
            if loop.time() > deadline:
                raise GaveUp(f"no answer within {self.patience} s")
            self.calls.retries += 1
            await asyncio.sleep(pause * random.uniform(0.5, 1.5))
            pause = min(pause * 2, MAX_PAUSE)

    async def once(self, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        """A non-idempotent step sent once: None when the answer was lost (connection error, 5xx);
        the caller re-reads the order's state before deciding to send it again."""
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.TransportError:
            self.calls.saw(0)
            return None
        self.calls.saw(response.status_code)
        return None if response.status_code in RETRYABLE_STATUS else response

    async def pause(self, seconds: float = 0.5) -> None:
        self.calls.retries += 1
        await asyncio.sleep(seconds * random.uniform(0.5, 1.5))
